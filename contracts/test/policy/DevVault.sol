// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @dev A venue contract guarded by OpenZeppelin {AccessControl}: the roles an `access-control`
 * policy source reads in tests and dev mode. The admin grants and revokes any role.
 */
contract DevVault is AccessControl {
    /**
     * @dev A role the demo maps to trading scopes.
     */
    bytes32 public constant TRADER_ROLE = keccak256("TRADER_ROLE");

    /**
     * @dev Gives `admin` the DEFAULT_ADMIN_ROLE, which administers every role.
     */
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }
}
