export {
  collectContextReferences,
  collectSpecTemplateStrings,
  collectStackReferences,
  collectTemplateStrings,
  TEMPLATED_KEYS,
  type TemplateString,
} from './collect-references.js';
export { hasTemplate, parseTemplate, type TemplatePart, type TemplateReference } from './parse-template.js';
export { renderShellTemplate, type ShellTemplate } from './render-shell-template.js';
export { renderTemplate, renderValue, type TemplateScope } from './render-template.js';
