export { didYouMean, editDistance, findClosestName } from './suggest.js';
