/** A brand's chain (settings.chain): off unless enabled and checked against the chain when saved. */
export interface ChainSettings {
  enabled: boolean;
  chainId: number;
  rpcUrl: string;
  /** EIP-55. */
  tokenAddress: string;
  /** Blocks a mint's transaction must have (its own included) before its rows are confirmed. */
  confirmations: number;
}

/** The brand's chain when it is switched on; null otherwise. */
export function enabledChain(settings: { chain?: ChainSettings | null }): ChainSettings | null {
  return settings.chain?.enabled ? settings.chain : null;
}

/** Tokens have 18 decimals: amounts travel as decimal strings of whole tokens. */
export const TOKEN_DECIMALS = 18;
