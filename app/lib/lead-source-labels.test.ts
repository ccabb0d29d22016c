// The Leads screen and the leads export call each source by the same name: the screen's list is
// its own (the browser cannot import a slice), so this holds the two together.
import { expect, it } from 'vitest';
import { LEAD_SOURCES } from '#app/components/lead-source-badge.tsx';
import { LEAD_SOURCE_LABELS } from '#server/leads/index.ts';

it('names every lead source as the export does, in the same order', () => {
  expect(LEAD_SOURCES.map(({ source, label }) => [source, label])).toEqual(
    Object.entries(LEAD_SOURCE_LABELS),
  );
});
