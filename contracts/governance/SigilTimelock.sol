// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/**
 * @dev OpenZeppelin's {TimelockController}, unchanged: a contract of our own so that it has an artifact and
 * a generated ABI. It executes the proposals of {SigilGovernor} and holds the AccessRegistry admin role.
 */
contract SigilTimelock is TimelockController {
    /**
     * @dev See {TimelockController-constructor}. `minDelay` is in seconds; an `executors` entry of
     * `address(0)` lets anyone execute a ready operation.
     */
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
