import path from 'node:path';

export const LANGUAGES = [
  'typescript',
  'javascript',
  'json',
  'yaml',
  'dockerfile',
  'sql',
  'prisma',
  'dotenv',
  'markdown',
  'shell',
  'html',
  'other',
] as const;
export type Language = (typeof LANGUAGES)[number];

const BY_EXTENSION: Record<string, Language> = {
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.jsx': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.json': 'json',
  '.yml': 'yaml',
  '.yaml': 'yaml',
  '.sql': 'sql',
  '.prisma': 'prisma',
  '.md': 'markdown',
  '.sh': 'shell',
  '.bash': 'shell',
  '.html': 'html',
  '.htm': 'html',
  '.dockerfile': 'dockerfile',
};

/** Detects a file's language from its name alone: content sniffing is not worth its cost here. */
export function detectLanguage(relativePath: string): Language {
  const base = path.posix.basename(relativePath);
  const lower = base.toLowerCase();
  if (lower === 'dockerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) {
    return 'dockerfile';
  }
  if (lower === '.env' || lower.startsWith('.env.') || lower.endsWith('.env')) return 'dotenv';
  return BY_EXTENSION[path.posix.extname(lower)] ?? 'other';
}

export function isScript(language: Language): language is 'typescript' | 'javascript' {
  return language === 'typescript' || language === 'javascript';
}
