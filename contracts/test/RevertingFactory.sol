// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @dev A wallet factory whose {deploy} always reverts. Test fixture for EIP-6492 signatures whose
 * deployment step fails: verification must fail closed, not throw or succeed.
 */
contract RevertingFactory {
    /**
     * @dev Every call to {deploy} reverts with this error.
     */
    error RevertingFactoryDeployRefused(address owner, bytes32 salt);

    /**
     * @dev Same selector as {ISmartWalletFactory-deploy}; always reverts with {RevertingFactoryDeployRefused}.
     */
    function deploy(address owner, bytes32 salt) external pure returns (address) {
        revert RevertingFactoryDeployRefused(owner, salt);
    }
}
