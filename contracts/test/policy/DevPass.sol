// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @dev An ERC-721 pass the owner mints: the collection an `erc721` policy source reads in tests
 * and dev mode.
 */
contract DevPass is ERC721, Ownable {
    /**
     * @dev Id of the next pass {mint} creates; passes are numbered from 1.
     */
    uint256 public nextTokenId = 1;

    /**
     * @dev Sets `initialOwner` as the only account that may mint.
     */
    constructor(address initialOwner) ERC721("Sigil Dev Pass", "SDP") Ownable(initialOwner) {}

    /**
     * @dev Mints the next pass to `to` and returns its id. Only the owner may mint.
     */
    function mint(address to) external onlyOwner returns (uint256 tokenId) {
        tokenId = nextTokenId++;
        _mint(to, tokenId);
    }
}
