// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/**
 * @dev The voting token of Sigil governance: a fixed supply minted once to `initialHolder`.
 *
 * Voting power counts only once delegated (holders may delegate to themselves), as in {ERC20Votes}.
 */
contract SigilVotesToken is ERC20, ERC20Permit, ERC20Votes {
    /**
     * @dev Mints `initialSupply` (in the token's smallest unit, 18 decimals) to `initialHolder`.
     */
    constructor(address initialHolder, uint256 initialSupply) ERC20("Sigil Votes", "SGV") ERC20Permit("Sigil Votes") {
        _mint(initialHolder, initialSupply);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view virtual override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal virtual override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
