// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Safe} from "@safe-global/safe-contracts/contracts/Safe.sol";

/// @dev The Safe 1.4.1 singleton, compiled here so the dev deploy and the Safe source tests have its ABI.
contract DevSafe is Safe {}
