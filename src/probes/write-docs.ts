import fs from 'node:fs';
import { renderProbeDocs } from './docs.js';
import { PROBES } from './registry.js';

fs.writeFileSync('docs/probes.md', renderProbeDocs(PROBES));
