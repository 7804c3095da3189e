// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/**
 * @dev A minimal EIP-1271 smart wallet controlled by one owner EOA. Test fixture: lets tests sign in
 * with a contract account and check that a change of owner invalidates earlier signatures.
 */
interface ISmartWallet is IERC1271 {
    /**
     * @dev The `caller` is not the wallet's owner.
     */
    error SmartWalletUnauthorizedCaller(address caller);

    /**
     * @dev The `owner` cannot own a wallet (the zero address).
     */
    error SmartWalletInvalidOwner(address owner);

    /**
     * @dev Emitted when the wallet's owner changes from `previousOwner` to `newOwner` (from the zero
     * address at construction).
     */
    event OwnerChanged(address indexed previousOwner, address indexed newOwner);

    /**
     * @dev Returns the EOA whose signatures the wallet accepts.
     */
    function owner() external view returns (address);

    /**
     * @dev Makes `newOwner` the wallet's owner: signatures of the previous owner stop being valid.
     *
     * Emits an {OwnerChanged} event.
     *
     * Requirements:
     *
     * - the caller must be the owner.
     * - `newOwner` must not be the zero address.
     */
    function setOwner(address newOwner) external;

    /**
     * @dev Calls `target` with `value` wei and `data` from the wallet and returns what it returned,
     * bubbling up its revert reason.
     *
     * Requirements:
     *
     * - the caller must be the owner.
     */
    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory);
}
