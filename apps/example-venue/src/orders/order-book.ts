import { Injectable } from "@nestjs/common";
import { MARKET_NAMES } from "../markets/markets.js";
import { seededBytes } from "../markets/seeded-bytes.js";
import type { NewOrder } from "./parse-new-order.js";
import type { Order } from "./order.js";

// An example, kept in memory: bounded so a stream of new wallets cannot grow it without limit.
const MAX_ORDERS_PER_WALLET = 100;
const MAX_WALLETS = 10_000;
const SEED_EPOCH_MS = Date.parse("2026-01-01T00:00:00Z");

/** Whose book: the wallet's address (seeds the fake data) and its CAIP-10 subject. */
export interface OrderOwner {
  address: string;
  sub: string;
}

interface Book {
  placedCount: number;
  orders: Order[];
}

/** Each wallet's orders: a few seeded from its address, then the ones it places. */
@Injectable()
export class OrderBook {
  private readonly books = new Map<string, Book>();

  list(owner: OrderOwner): Order[] {
    return [...seedOrders(owner), ...(this.books.get(owner.sub)?.orders ?? [])];
  }

  place(p: { owner: OrderOwner; placedBy: string; order: NewOrder; now: Date }): Order {
    const book = this.bookOf(p.owner.sub);
    book.placedCount += 1;
    const order: Order = {
      id: `ord_${seededBytes(p.owner.sub, `order:${book.placedCount}`).toString("hex").slice(0, 16)}`,
      ...p.order,
      status: "open",
      placedBy: p.placedBy,
      createdAt: p.now.toISOString(),
    };
    book.orders.push(order);
    if (book.orders.length > MAX_ORDERS_PER_WALLET) book.orders.shift();
    return order;
  }

  private bookOf(sub: string): Book {
    let book = this.books.get(sub);
    if (!book) {
      if (this.books.size >= MAX_WALLETS) this.books.delete(this.books.keys().next().value!);
      this.books.set(sub, (book = { placedCount: 0, orders: [] }));
    }
    return book;
  }
}

function seedOrders({ address, sub }: OrderOwner): Order[] {
  const bytes = seededBytes(address, "orders");
  const count = (bytes[0]! % 3) + 1;
  return Array.from({ length: count }, (_, i) => ({
    id: `ord_${bytes.subarray(4 + 4 * i, 8 + 4 * i).toString("hex")}`,
    market: MARKET_NAMES[bytes[1 + i]! % MARKET_NAMES.length]!,
    side: bytes[16 + i]! % 2 === 0 ? ("buy" as const) : ("sell" as const),
    size: (bytes[20 + i]! / 10 + 0.1).toFixed(1),
    status: "filled" as const,
    placedBy: sub,
    createdAt: new Date(SEED_EPOCH_MS + bytes.readUInt16BE(24 + 2 * i) * 60_000).toISOString(),
  }));
}
