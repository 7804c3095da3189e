// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ISmartWallet} from "./ISmartWallet.sol";

/**
 * @dev See {ISmartWallet}. Test fixture only: no nonces, no replay protection beyond the owner's key.
 */
contract SmartWallet is ISmartWallet {
    bytes4 private constant _INVALID_SIGNATURE = 0xffffffff;

    /// @inheritdoc ISmartWallet
    address public owner;

    /**
     * @dev Sets the wallet's first owner. Emits an {OwnerChanged} event from the zero address.
     */
    constructor(address initialOwner) {
        _setOwner(initialOwner);
    }

    /**
     * @dev Accepts plain ether transfers, so {execute} can forward value.
     */
    receive() external payable {}

    /// @inheritdoc ISmartWallet
    function setOwner(address newOwner) external {
        _checkOwner();
        _setOwner(newOwner);
    }

    /// @inheritdoc ISmartWallet
    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        _checkOwner();
        // A plain call, not Address.functionCallWithValue: that refuses value transfers to EOAs.
        (bool success, bytes memory result) = target.call{value: value}(data);
        return Address.verifyCallResult(success, result);
    }

    /**
     * @dev Returns `0x1626ba7e` ({IERC1271-isValidSignature.selector}) if `signature` is the owner's ECDSA
     * signature of `hash` as given (no prefix added), and `0xffffffff` otherwise, malformed signatures included.
     */
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (error != ECDSA.RecoverError.NoError || signer != owner) return _INVALID_SIGNATURE;
        return IERC1271.isValidSignature.selector;
    }

    function _checkOwner() private view {
        if (msg.sender != owner) revert SmartWalletUnauthorizedCaller(msg.sender);
    }

    function _setOwner(address newOwner) private {
        if (newOwner == address(0)) revert SmartWalletInvalidOwner(newOwner);
        emit OwnerChanged(owner, newOwner);
        owner = newOwner;
    }
}
