// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {ISmartWalletFactory} from "./ISmartWalletFactory.sol";
import {SmartWallet} from "./SmartWallet.sol";

/**
 * @dev See {ISmartWalletFactory}. The CREATE2 salt mixes in the owner, so two owners using the same
 * `salt` get different wallets.
 */
contract SmartWalletFactory is ISmartWalletFactory {
    /// @inheritdoc ISmartWalletFactory
    function deploy(address owner, bytes32 salt) external returns (address wallet) {
        address predicted = predict(owner, salt);
        if (predicted.code.length > 0) revert SmartWalletFactoryAlreadyDeployed(predicted);
        wallet = Create2.deploy(0, _create2Salt(owner, salt), _initCode(owner));
        emit WalletDeployed(wallet, owner, salt);
    }

    /// @inheritdoc ISmartWalletFactory
    function predict(address owner, bytes32 salt) public view returns (address wallet) {
        return Create2.computeAddress(_create2Salt(owner, salt), keccak256(_initCode(owner)));
    }

    function _create2Salt(address owner, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }

    function _initCode(address owner) private pure returns (bytes memory) {
        return abi.encodePacked(type(SmartWallet).creationCode, abi.encode(owner));
    }
}
