export { didYouMean, editDistance, findClosestName } from './suggest.js';
export { formatDuration } from './format-duration.js';
