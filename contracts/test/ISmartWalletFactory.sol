// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @dev CREATE2 factory of {SmartWallet}s: a wallet's address is known before it exists, which is what
 * EIP-6492 signatures of undeployed wallets rely on.
 */
interface ISmartWalletFactory {
    /**
     * @dev A wallet already exists at `wallet`, the address for this owner and salt.
     */
    error SmartWalletFactoryAlreadyDeployed(address wallet);

    /**
     * @dev Emitted when `wallet`, owned by `owner`, is deployed with `salt`.
     */
    event WalletDeployed(address indexed wallet, address indexed owner, bytes32 salt);

    /**
     * @dev Deploys a {SmartWallet} owned by `owner` at {predict}`(owner, salt)` and returns its address.
     *
     * Emits a {WalletDeployed} event.
     *
     * Requirements:
     *
     * - no wallet may exist yet for `owner` and `salt`.
     * - `owner` must not be the zero address.
     */
    function deploy(address owner, bytes32 salt) external returns (address wallet);

    /**
     * @dev Returns the address {deploy}`(owner, salt)` deploys to, whether or not it is deployed.
     */
    function predict(address owner, bytes32 salt) external view returns (address wallet);
}
