/**
 * The fixture projects every oracle runs on (URLs, resolve(), MRO), and whether Django is there to
 * ask live. ORACLE_RECORDED=1 uses the recorded expectations even where Django is installed.
 */
import { pythonHas } from '../helpers';

export interface Case {
  name: string;
  dir: string;
  settings?: string;
}

export const cases: Case[] = [
  { name: 'demo', dir: 'demo' },
  { name: 'split_src', dir: 'split_src' },
  { name: 'split_src.prod', dir: 'split_src', settings: 'config.settings.prod' },
  { name: 'drf_i18n', dir: 'drf_i18n' },
  { name: 'monorepo.api', dir: 'monorepo/services/api' },
  { name: 'monorepo.web', dir: 'monorepo/services/web' },
  { name: 'templates_site', dir: 'templates_site' },
  { name: 'models_site', dir: 'models_site' },
];

export const live = !process.env.ORACLE_RECORDED && pythonHas('django', 'rest_framework');
