// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/**
 * @dev OpenZeppelin's {AccessManager} as it is, so tests and dev mode can deploy one: the roles an
 * `access-manager` policy source reads.
 */
contract DevAccessManager is AccessManager {
    /**
     * @dev Makes `initialAdmin` a member of the ADMIN_ROLE (id 0), which administers every role.
     */
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
