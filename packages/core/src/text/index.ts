export { didYouMean, editDistance, findClosestName } from './suggest.js';
export { formatDuration } from './format-duration.js';
export { formatChangeCounts, formatChangeSummary } from './format-changes.js';
export { formatStatusIcon, pickStatusColor, type DisplayStatus } from './format-status.js';
export { createPainter, type Painter, type PaintStyle } from './paint.js';
export { formatTable, type TableCell, type TableOptions } from './format-table.js';
export { isRemoteRepoUrl } from './is-remote-repo-url.js';
export { quoteText } from './quote-text.js';
export { formatPolicyDecision, pickPolicyEffectColor } from './format-policy-decision.js';
