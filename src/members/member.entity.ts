import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A brand's member. The row also carries the member's balance: it is locked for every write that moves points. */
@Entity({ name: 'members' })
export class Member {
  @PrimaryColumn('uuid', { name: 'brand_id' }) brandId: string;
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'external_id' }) externalId: string;
  @Column('text', { nullable: true }) email: string | null;
  @Column('text') stage: string;
  @Column('text', { nullable: true }) tier: string | null;
  @Column('text', { name: 'referral_code' }) referralCode: string;
  @Column('text', { name: 'wallet_address', nullable: true }) walletAddress: string | null;
  @Column('text') source: string;
  @Column('timestamptz', { name: 'enrolled_at' }) enrolledAt: Date;
  @Column('integer', { name: 'purchase_count' }) purchaseCount: number;
  @Column('integer', { name: 'referral_count' }) referralCount: number;
  @Column('timestamptz', { name: 'last_purchase_at', nullable: true }) lastPurchaseAt: Date | null;
  @Column('uuid', { name: 'referred_by', nullable: true }) referredBy: string | null;
  @Column('bigint', { name: 'points_available' }) pointsAvailable: number;
  @Column('bigint', { name: 'points_pending' }) pointsPending: number;
  @Column('bigint', { name: 'lifetime_earned' }) lifetimeEarned: number;
}
