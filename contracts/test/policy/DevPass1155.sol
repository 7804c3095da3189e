// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Burnable} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Burnable.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @dev An ERC-1155 collection the owner mints and holders may burn: the tokens an `erc1155` policy
 * source reads in tests and dev mode.
 */
contract DevPass1155 is ERC1155, ERC1155Burnable, Ownable {
    /**
     * @dev Sets `initialOwner` as the only account that may mint.
     */
    constructor(address initialOwner) ERC1155("") Ownable(initialOwner) {}

    /**
     * @dev Mints `amount` of token `id` to `to`. Only the owner may mint.
     */
    function mint(address to, uint256 id, uint256 amount) external onlyOwner {
        _mint(to, id, amount, "");
    }

    /**
     * @dev Mints several ids at once (one TransferBatch event). Only the owner may mint.
     */
    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata amounts) external onlyOwner {
        _mintBatch(to, ids, amounts, "");
    }
}
