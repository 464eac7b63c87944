import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

export class PutShopifyIntegrationDto {
  @ApiProperty({ example: 'demo-roastery.myshopify.com' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/, { message: 'must be a <shop>.myshopify.com domain' })
  shopDomain: string;

  @ApiProperty({
    example: 'shpss_…',
    description: "The app's client secret (signs the webhooks). A new one rotates: the previous stays valid 1 hour.",
  })
  @IsString()
  @Matches(/^[\x21-\x7e]{16,200}$/, { message: 'must be 16-200 printable ASCII characters' })
  clientSecret: string;

  @ApiPropertyOptional({ enum: ['subtotal_price', 'total_price'], default: 'subtotal_price' })
  @IsOptional()
  @IsIn(['subtotal_price', 'total_price'])
  amountField?: 'subtotal_price' | 'total_price';
}

export class ShopifyIntegrationView {
  @ApiProperty({ example: 'demo-roastery.myshopify.com' }) shopDomain: string;
  @ApiProperty({ enum: ['subtotal_price', 'total_price'] }) amountField: string;
  @ApiProperty({ example: true }) secretSet: boolean;
}
