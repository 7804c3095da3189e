import { Body, Controller, Get, HttpCode, Post } from "@nestjs/common";
import { Scopes } from "@sigil/core";
import { CurrentPrincipal, RequireScopes, type SigilPrincipal } from "@sigil/guard";
import { OrderBook } from "./order-book.js";
import type { Order } from "./order.js";
import { parseNewOrder } from "./parse-new-order.js";

/** The caller's orders: read with `orders:read`, place with `orders:write`. */
@Controller("orders")
export class OrdersController {
  constructor(private readonly book: OrderBook) {}

  @Get()
  @RequireScopes(Scopes.ordersRead)
  list(@CurrentPrincipal() principal: SigilPrincipal): { orders: Order[] } {
    return { orders: this.book.list(principal) };
  }

  @Post()
  @HttpCode(201)
  @RequireScopes(Scopes.ordersWrite)
  place(@CurrentPrincipal() principal: SigilPrincipal, @Body() body: unknown): Order {
    return this.book.place({
      owner: principal,
      placedBy: principal.act?.sub ?? principal.sub,
      order: parseNewOrder(body),
      now: new Date(),
    });
  }
}
