/** The image model: records, channels, verdicts, the tag vocabulary and whose an image is. */
export type { Channel, ImageRecord, ImageState, Verdict } from './record.js';
export {
  LEGACY_TAGS,
  TAGS,
  currentTags,
  fromTags,
  imageTags,
  inputTags,
  manifestInputs,
  sourceIdTag,
  type InputTagFields,
} from './tags.js';
export { REQUIRED_TAGS, ownership, type Ownership } from './ownership.js';
