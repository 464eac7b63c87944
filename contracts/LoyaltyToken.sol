// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title A brand's loyalty token: minted by the Loyalty Loop mint worker, optionally soulbound.
contract LoyaltyToken is ERC20, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// False: a soulbound token (only minting and burning move it).
    bool public immutable transferable;

    error NonTransferable();
    error LengthMismatch(uint256 recipients, uint256 amounts);

    constructor(string memory name_, string memory symbol_, bool transferable_, address admin) ERC20(name_, symbol_) {
        transferable = transferable_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    /// One transaction credits many members (the worker batches up to 100 mints).
    function mintBatch(address[] calldata to, uint256[] calldata amounts) external onlyRole(MINTER_ROLE) {
        if (to.length != amounts.length) revert LengthMismatch(to.length, amounts.length);
        for (uint256 i = 0; i < to.length; i++) {
            _mint(to[i], amounts[i]);
        }
    }

    function _update(address from, address to, uint256 value) internal override {
        if (!transferable && from != address(0) && to != address(0)) revert NonTransferable();
        super._update(from, to, value);
    }
}
