export { deepFreeze } from '../../../support/deep-freeze';
