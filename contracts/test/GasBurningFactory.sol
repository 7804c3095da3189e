// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @dev A wallet factory whose {deploy} loops until it runs out of gas. Test fixture for EIP-6492 signatures
 * whose deployment step exhausts the gas of the verifying call: verification must fail closed and promptly.
 */
contract GasBurningFactory {
    /**
     * @dev Same selector as {ISmartWalletFactory-deploy}; never returns, it consumes all the gas it is given.
     */
    function deploy(address, bytes32) external view returns (address) {
        // Each step writes 32 KiB further into memory, whose cost grows quadratically: any gas limit is
        // exhausted within a few hundred steps, so tests stay fast however much gas the call gets.
        for (uint256 offset = 0; gasleft() > 0; offset += 0x8000) {
            assembly {
                mstore(offset, offset)
            }
        }
        return address(0);
    }
}
