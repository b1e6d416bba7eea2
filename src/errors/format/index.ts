import type { OcxError } from '../errors';
import { renderKeystone } from './keystone';
import { renderNeutron } from './neutron';
import { renderNovaStyle } from './nova';
import { renderGlance, renderSwift } from './plain';
import type { RenderedError } from './types';

export type ErrorFlavour = 'identity' | 'compute' | 'volume' | 'image' | 'object-store' | 'network' | 'proxy';

/** The one table from service to error body format. */
const RENDERERS: Record<ErrorFlavour, (err: OcxError) => RenderedError> = {
  identity: renderKeystone,
  compute: renderNovaStyle,
  volume: renderNovaStyle,
  image: renderGlance,
  'object-store': renderSwift,
  network: renderNeutron,
  proxy: renderKeystone,
};

export function renderError(flavour: ErrorFlavour, err: OcxError): RenderedError {
  return RENDERERS[flavour](err);
}
export type { RenderedError };
