import { trimAmount } from './chain.repository.js';
import { revertReason } from './loyalty-token-abi.js';
import { loyaltyToken } from './loyalty-token-abi.js';
import { bumpedFee } from './mint.js';

describe('mint arithmetic', () => {
  it('bumps a replacement fee by at least 12.5% (nodes want 10%), or to the current price when higher', () => {
    expect(bumpedFee(1_000_000_000n, 0n)).toBe(1_125_000_000n);
    expect(bumpedFee(8n, 0n)).toBe(9n);
    expect(bumpedFee(1n, 0n)).toBe(2n);
    expect(bumpedFee(1_000n, 5_000n)).toBe(5_000n);
  });

  it('answers numeric(78,18) amounts without trailing zeros', () => {
    expect(trimAmount('1.500000000000000000')).toBe('1.5');
    expect(trimAmount('2.000000000000000000')).toBe('2');
    expect(trimAmount('10')).toBe('10');
    expect(trimAmount('0.000000000000000001')).toBe('0.000000000000000001');
  });

  it("decodes the contract's custom errors from revert data", () => {
    const data = loyaltyToken.encodeErrorResult('NonTransferable', []);
    expect(revertReason({ code: 'CALL_EXCEPTION', data })).toBe('NonTransferable()');
    expect(revertReason({ shortMessage: 'execution reverted' })).toBe('execution reverted');
  });
});
