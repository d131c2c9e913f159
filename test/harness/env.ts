/**
 * n8n-core reads its settings folder when first loaded: give each process a fresh temporary
 * one, so tests never touch a real ~/.n8n.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'glean-chat-n8n-'));
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
// A fixed key keeps n8n-core from generating and announcing one on every run.
process.env.N8N_ENCRYPTION_KEY ??= 'glean-chat-tests-only';
process.env.N8N_LOG_LEVEL ??= 'silent';
