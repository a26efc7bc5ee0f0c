// The web preview's refusals, with a code the API's clients understand (contract/errors.ts).
import { DomainError } from '../errors.js';

export class PreviewError extends DomainError<'preview_off' | 'reserved_port' | 'preview_busy'> {}
