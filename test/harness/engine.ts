/**
 * Which n8n line's engine the tests run in: 2 by default, 1 with `N8N_MAJOR=1` (jest.config.js
 * then gives every module n8n-core 1.122 / n8n-workflow 1.120). For the few checks where n8n
 * itself behaves differently; the node's behaviour is tested the same on both.
 */
export const N8N_MAJOR: 1 | 2 = process.env.N8N_MAJOR === '1' ? 1 : 2;
