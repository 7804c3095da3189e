// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeProxyFactory} from "@safe-global/safe-contracts/contracts/proxies/SafeProxyFactory.sol";

/// @dev The Safe 1.4.1 proxy factory, compiled here so the dev deploy can create Safes.
contract DevSafeProxyFactory is SafeProxyFactory {}
