// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @dev The `aggregate3` entry point of Multicall3 (same selector, structs and revert message), so
 * dev mode and tests can batch many `eth_call`s into one. Sigil calls it only through `eth_call`:
 * it holds no state and forwards no value.
 */
contract Multicall3 {
    /**
     * @dev One call: its `target`, whether a revert may be reported instead of failing the batch,
     * and its ABI-encoded `callData`.
     */
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /**
     * @dev The outcome of one call: whether it succeeded, and what it returned (or its revert data).
     */
    struct Result {
        bool success;
        bytes returnData;
    }

    /**
     * @dev Calls each of `calls` in order and returns every outcome. Reverts with
     * "Multicall3: call failed" when a call that does not allow failure reverts.
     */
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; ++i) {
            Call3 calldata call = calls[i];
            // Calls only read (Sigil sends this through eth_call); a target without code succeeds
            // with empty return data, which the caller decodes as it would a direct call.
            (bool success, bytes memory data) = call.target.call(call.callData);
            require(success || call.allowFailure, "Multicall3: call failed");
            returnData[i] = Result(success, data);
        }
    }
}
