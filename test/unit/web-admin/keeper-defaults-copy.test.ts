import { describe, expect, it } from 'vitest';
import {
  KEEPER_COUNTER_EVENTS as relayPairs,
  DEFAULT_WONT_DO_RESOLUTIONS as relayWontDo,
} from '#domain/relay-config.ts';
import { DEFAULT_WONT_DO_RESOLUTIONS, KEEPER_COUNTER_EVENTS } from '../../../web-admin/src/rule-draft.ts';

// The admin site may import only types from the relay (it would otherwise bundle zod): it keeps its
// own copy of the defaults it offers to restore. This keeps the copy true.
describe('the admin site’s copy of the relay’s defaults', () => {
  it('offers exactly Keeper’s counter-event pairs and won’t-do resolutions', () => {
    expect(KEEPER_COUNTER_EVENTS).toEqual(relayPairs);
    expect(DEFAULT_WONT_DO_RESOLUTIONS).toEqual(relayWontDo);
  });
});
