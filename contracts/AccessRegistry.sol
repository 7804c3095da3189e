// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IAccessRegistry} from "./IAccessRegistry.sol";

/**
 * @dev Named roles and the scopes they confer, read by Sigil to decide what a wallet may do.
 *
 * Roles are ordinary {AccessControl} roles that must be defined (given a name) before they can be
 * granted. Each role's admin (by default `DEFAULT_ADMIN_ROLE`, typically held by a timelock under a
 * governor) adds and removes the scopes the role confers.
 */
contract AccessRegistry is AccessControl, IAccessRegistry {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    uint256 private constant _MAX_RESOURCE_LENGTH = 31;
    uint256 private constant _MAX_ACTION_LENGTH = 32;
    uint256 private constant _MAX_ROLE_NAME_LENGTH = 32;

    EnumerableSet.Bytes32Set private _definedRoles;
    mapping(bytes32 role => string) private _roleNames;
    mapping(bytes32 role => EnumerableSet.Bytes32Set) private _roleScopeHashes;
    // Each distinct scope string is stored once, whatever the number of roles conferring it.
    mapping(bytes32 scopeHash => string) private _scopeStrings;

    /**
     * @dev Grants `DEFAULT_ADMIN_ROLE` to `admin`, who may then define roles and manage their scopes.
     */
    constructor(address admin) {
        if (admin == address(0)) revert AccessRegistryInvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IAccessRegistry
    function defineRole(string calldata name) external onlyRole(DEFAULT_ADMIN_ROLE) returns (bytes32 role) {
        if (!_isValidRoleName(bytes(name))) revert AccessRegistryInvalidRoleName(name);
        role = keccak256(bytes(name));
        if (!_definedRoles.add(role)) revert AccessRegistryRoleAlreadyDefined(role, name);
        _roleNames[role] = name;
        emit RoleDefined(role, name);
    }

    /// @inheritdoc IAccessRegistry
    function addScope(bytes32 role, string calldata scope) external onlyRole(getRoleAdmin(role)) {
        _requireDefined(role);
        if (!_isValidScope(bytes(scope))) revert AccessRegistryInvalidScope(scope);
        bytes32 scopeHash = keccak256(bytes(scope));
        if (!_roleScopeHashes[role].add(scopeHash)) revert AccessRegistryScopeAlreadyPresent(role, scope);
        if (bytes(_scopeStrings[scopeHash]).length == 0) _scopeStrings[scopeHash] = scope;
        emit ScopeAdded(role, scopeHash, scope, _msgSender());
    }

    /// @inheritdoc IAccessRegistry
    function removeScope(bytes32 role, string calldata scope) external onlyRole(getRoleAdmin(role)) {
        _requireDefined(role);
        bytes32 scopeHash = keccak256(bytes(scope));
        if (!_roleScopeHashes[role].remove(scopeHash)) revert AccessRegistryScopeNotPresent(role, scope);
        emit ScopeRemoved(role, scopeHash, scope, _msgSender());
    }

    /// @inheritdoc IAccessRegistry
    function definedRoles() external view returns (bytes32[] memory) {
        return _definedRoles.values();
    }

    /// @inheritdoc IAccessRegistry
    function roleName(bytes32 role) external view returns (string memory) {
        return _roleNames[role];
    }

    /// @inheritdoc IAccessRegistry
    function scopesOf(bytes32 role) external view returns (string[] memory) {
        return _scopeStringsOf(_roleScopeHashes[role].values());
    }

    /// @inheritdoc IAccessRegistry
    function hasScope(bytes32 role, string calldata scope) external view returns (bool) {
        return _roleScopeHashes[role].contains(keccak256(bytes(scope)));
    }

    /// @inheritdoc IAccessRegistry
    function accessOf(address account) external view returns (bytes32[] memory roles, string[] memory scopes) {
        uint256 scopeBound;
        (roles, scopeBound) = _heldRoles(account);
        bytes32[] memory scopeHashes = new bytes32[](scopeBound);
        uint256 count;
        for (uint256 i = 0; i < roles.length; ++i) {
            EnumerableSet.Bytes32Set storage roleScopes = _roleScopeHashes[roles[i]];
            uint256 length = roleScopes.length();
            for (uint256 j = 0; j < length; ++j) {
                bytes32 scopeHash = roleScopes.at(j);
                if (!_containsPrefix(scopeHashes, count, scopeHash)) scopeHashes[count++] = scopeHash;
            }
        }
        _truncate(scopeHashes, count);
        scopes = _scopeStringsOf(scopeHashes);
    }

    /// @inheritdoc IAccessRegistry
    function isValidScope(string calldata scope) external pure returns (bool) {
        return _isValidScope(bytes(scope));
    }

    /// @inheritdoc AccessControl
    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return interfaceId == type(IAccessRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    /**
     * @dev Refuses to grant a role that has not been defined; `DEFAULT_ADMIN_ROLE` needs no definition.
     */
    function _grantRole(bytes32 role, address account) internal virtual override returns (bool) {
        if (role != DEFAULT_ADMIN_ROLE) _requireDefined(role);
        return super._grantRole(role, account);
    }

    function _requireDefined(bytes32 role) private view {
        if (!_definedRoles.contains(role)) revert AccessRegistryUndefinedRole(role);
    }

    /// @dev The defined roles `account` holds, and the sum of their scope counts (an upper bound for the union).
    function _heldRoles(address account) private view returns (bytes32[] memory held, uint256 scopeBound) {
        bytes32[] memory all = _definedRoles.values();
        held = new bytes32[](all.length);
        uint256 count;
        for (uint256 i = 0; i < all.length; ++i) {
            if (hasRole(all[i], account)) {
                held[count++] = all[i];
                scopeBound += _roleScopeHashes[all[i]].length();
            }
        }
        _truncate(held, count);
    }

    function _scopeStringsOf(bytes32[] memory scopeHashes) private view returns (string[] memory strings) {
        strings = new string[](scopeHashes.length);
        for (uint256 i = 0; i < scopeHashes.length; ++i) {
            strings[i] = _scopeStrings[scopeHashes[i]];
        }
    }

    /// @dev Linear search: an account holds few roles with few scopes, cheaper than a memory hash set.
    function _containsPrefix(bytes32[] memory values, uint256 length, bytes32 value) private pure returns (bool) {
        for (uint256 i = 0; i < length; ++i) {
            if (values[i] == value) return true;
        }
        return false;
    }

    function _truncate(bytes32[] memory values, uint256 length) private pure {
        assembly ("memory-safe") {
            mstore(values, length)
        }
    }

    /// @dev `^[a-z][a-z0-9_.-]{0,30}:[a-z][a-z0-9_.-]{0,31}$`, byte by byte.
    function _isValidScope(bytes calldata scope) private pure returns (bool) {
        uint256 length = scope.length;
        uint256 colon;
        bool seenColon;
        for (uint256 i = 0; i < length; ++i) {
            bytes1 char = scope[i];
            if (char == ":") {
                if (seenColon) return false;
                seenColon = true;
                colon = i;
            } else if (i == 0 || (seenColon && i == colon + 1)) {
                if (!_isLowerLetter(char)) return false;
            } else if (!_isLowerLetter(char) && !_isDigit(char) && char != "_" && char != "." && char != "-") {
                return false;
            }
        }
        return
            seenColon &&
            colon >= 1 &&
            colon <= _MAX_RESOURCE_LENGTH &&
            length - colon - 1 >= 1 &&
            length - colon - 1 <= _MAX_ACTION_LENGTH;
    }

    /// @dev `^[A-Z][A-Z0-9_]{0,31}$`: names show up in tokens and logs, so keep them plain identifiers.
    function _isValidRoleName(bytes calldata name) private pure returns (bool) {
        uint256 length = name.length;
        if (length == 0 || length > _MAX_ROLE_NAME_LENGTH) return false;
        if (!_isUpperLetter(name[0])) return false;
        for (uint256 i = 1; i < length; ++i) {
            bytes1 char = name[i];
            if (!_isUpperLetter(char) && !_isDigit(char) && char != "_") return false;
        }
        return true;
    }

    function _isLowerLetter(bytes1 char) private pure returns (bool) {
        return char >= "a" && char <= "z";
    }

    function _isUpperLetter(bytes1 char) private pure returns (bool) {
        return char >= "A" && char <= "Z";
    }

    function _isDigit(bytes1 char) private pure returns (bool) {
        return char >= "0" && char <= "9";
    }
}
