/** The image model: records, channels, verdicts and the tag vocabulary. */
export type { Channel, ImageRecord, ImageState, Verdict } from './record.js';
export { LEGACY_TAGS, TAGS, currentTags, fromTags, imageTags } from './tags.js';
