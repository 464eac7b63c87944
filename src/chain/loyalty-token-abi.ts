import { Interface } from 'ethers';

/**
 * The parts of contracts/LoyaltyToken.sol the service calls (a unit spec checks them against the
 * committed artifact), including the custom errors so a revert decodes to its name.
 */
export const LOYALTY_TOKEN_ABI = [
  'function MINTER_ROLE() view returns (bytes32)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function mintBatch(address[] to, uint256[] amounts)',
  'function transferable() view returns (bool)',
  'error NonTransferable()',
  'error LengthMismatch(uint256 recipients, uint256 amounts)',
  'error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)',
  'error ERC20InvalidReceiver(address receiver)',
] as const;

export const loyaltyToken = new Interface(LOYALTY_TOKEN_ABI);

/** A plain ERC-20 read: what any wallet or explorer sees, nothing of ours. */
export const ERC20_READ_ABI = [
  'function balanceOf(address owner) view returns (uint256)',
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
] as const;

/** keccak256("MINTER_ROLE"), as the contract defines it. */
export const MINTER_ROLE = '0x9f2df0fed2c77648de5860a4cc508cd0818c85b8b8a1ab4ceeef8d981c8956a6';

/** A revert's custom error as `Name(arg, …)`, or the node's message when it is not one of ours. */
export function revertReason(e: unknown): string {
  const err = e as {
    data?: string;
    revert?: { name: string; args: unknown[] };
    shortMessage?: string;
    message?: string;
  };
  if (typeof err.data === 'string' && err.data.length >= 10) {
    try {
      const parsed = loyaltyToken.parseError(err.data);
      if (parsed) {
        return `${parsed.name}(${parsed.args.map(String).join(', ')})`;
      }
    } catch {
      // not one of ours: fall through
    }
  }
  if (err.revert) {
    return `${err.revert.name}(${err.revert.args.map(String).join(', ')})`;
  }
  return err.shortMessage ?? err.message ?? String(e);
}

/** A revert (the contract said no) as opposed to a node that could not answer. */
export function isRevert(e: unknown): boolean {
  return (e as { code?: string }).code === 'CALL_EXCEPTION';
}
