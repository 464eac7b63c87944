import { DEFAULT_SETTINGS, isTimeZone, mergeSettings, withDefaults } from './brand-settings.js';

describe('brand settings', () => {
  it('fills defaults for keys stored before they existed', () => {
    expect(withDefaults({ timezone: 'Europe/Amsterdam' })).toEqual({
      ...DEFAULT_SETTINGS,
      timezone: 'Europe/Amsterdam',
    });
  });
  it('replaces top-level keys and merges nested groups', () => {
    const merged = mergeSettings({ currency: 'USD' }, { timezone: 'Asia/Tokyo', referral: { withinDays: 7 } });
    expect(merged.currency).toBe('USD');
    expect(merged.timezone).toBe('Asia/Tokyo');
    expect(merged.referral).toEqual({ ...DEFAULT_SETTINGS.referral, withinDays: 7 });
  });
  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
