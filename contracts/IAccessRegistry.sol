// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/**
 * @dev External interface of the Sigil AccessRegistry: named roles (OpenZeppelin AccessControl roles
 * whose id is `keccak256(bytes(name))`) and the scopes each role confers.
 *
 * A scope is `resource:action` and must match `^[a-z][a-z0-9_.-]{0,30}:[a-z][a-z0-9_.-]{0,31}$`,
 * exactly the rule of `libs/core/src/scopes/scope.ts`. A role name must match `^[A-Z][A-Z0-9_]{0,31}$`.
 *
 * Sigil reads an account's access with one call to {accessOf} at a recorded block, and follows the
 * events below to learn of changes.
 */
interface IAccessRegistry is IAccessControl {
    /**
     * @dev The `role` has not been defined with {defineRole}.
     */
    error AccessRegistryUndefinedRole(bytes32 role);

    /**
     * @dev The `role` named `name` is already defined.
     */
    error AccessRegistryRoleAlreadyDefined(bytes32 role, string name);

    /**
     * @dev The `name` does not follow the role name grammar (`^[A-Z][A-Z0-9_]{0,31}$`).
     */
    error AccessRegistryInvalidRoleName(string name);

    /**
     * @dev The `scope` does not follow the scope grammar (`resource:action`, see the contract documentation).
     */
    error AccessRegistryInvalidScope(string scope);

    /**
     * @dev The `role` already confers `scope`.
     */
    error AccessRegistryScopeAlreadyPresent(bytes32 role, string scope);

    /**
     * @dev The `role` does not confer `scope`.
     */
    error AccessRegistryScopeNotPresent(bytes32 role, string scope);

    /**
     * @dev The registry was constructed with the zero address as its admin.
     */
    error AccessRegistryInvalidAdmin(address admin);

    /**
     * @dev Emitted when `role` is defined with the human-readable `name` (`role == keccak256(bytes(name))`).
     */
    event RoleDefined(bytes32 indexed role, string name);

    /**
     * @dev Emitted when `role` starts conferring `scope` (`scopeHash == keccak256(bytes(scope))`).
     *
     * `sender` is the account that called {addScope}; it bears ``role``'s admin role.
     */
    event ScopeAdded(bytes32 indexed role, bytes32 indexed scopeHash, string scope, address indexed sender);

    /**
     * @dev Emitted when `role` stops conferring `scope` (`scopeHash == keccak256(bytes(scope))`).
     *
     * `sender` is the account that called {removeScope}; it bears ``role``'s admin role.
     */
    event ScopeRemoved(bytes32 indexed role, bytes32 indexed scopeHash, string scope, address indexed sender);

    /**
     * @dev Defines the role named `name` and returns its id, `keccak256(bytes(name))`. Only a defined
     * role (or `DEFAULT_ADMIN_ROLE`) can be granted.
     *
     * Emits a {RoleDefined} event.
     *
     * Requirements:
     *
     * - the caller must have `DEFAULT_ADMIN_ROLE`.
     * - `name` must follow the role name grammar.
     * - the role must not be defined yet.
     */
    function defineRole(string calldata name) external returns (bytes32 role);

    /**
     * @dev Makes `role` confer `scope`.
     *
     * Emits a {ScopeAdded} event.
     *
     * Requirements:
     *
     * - the caller must have ``role``'s admin role.
     * - `role` must be defined.
     * - `scope` must follow the scope grammar and not be conferred by `role` yet.
     */
    function addScope(bytes32 role, string calldata scope) external;

    /**
     * @dev Makes `role` stop conferring `scope`.
     *
     * Emits a {ScopeRemoved} event.
     *
     * Requirements:
     *
     * - the caller must have ``role``'s admin role.
     * - `role` must be defined and confer `scope`.
     */
    function removeScope(bytes32 role, string calldata scope) external;

    /**
     * @dev Returns the ids of all defined roles, in definition order.
     */
    function definedRoles() external view returns (bytes32[] memory);

    /**
     * @dev Returns the name `role` was defined with, or the empty string if `role` is not defined
     * (`DEFAULT_ADMIN_ROLE` included).
     */
    function roleName(bytes32 role) external view returns (string memory);

    /**
     * @dev Returns the scopes `role` confers; empty if `role` is not defined.
     *
     * The order is not guaranteed to stay the same when scopes are removed.
     */
    function scopesOf(bytes32 role) external view returns (string[] memory);

    /**
     * @dev Returns `true` if `role` confers `scope`.
     */
    function hasScope(bytes32 role, string calldata scope) external view returns (bool);

    /**
     * @dev Returns the defined roles `account` holds and the union of the scopes they confer, each scope
     * once, so that one call at one block gives a consistent view of the account's access.
     *
     * `DEFAULT_ADMIN_ROLE` is not a defined role and is never listed.
     */
    function accessOf(address account) external view returns (bytes32[] memory roles, string[] memory scopes);

    /**
     * @dev Returns `true` if `scope` follows the scope grammar, the same rule {addScope} enforces.
     */
    function isValidScope(string calldata scope) external pure returns (bool);
}
