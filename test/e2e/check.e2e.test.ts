/** Check mode and checks before upload, through the bundled action run as the runner runs it. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/result.js';
import { runAction, type ActionRun } from '../../testkit/run-action.js';
import { startTogetherServer } from '../../testkit/together-server.js';
import { CORPUS } from '../fixtures/check-corpus.js';
import { chatJsonl, CHAT_LINE, makeWorkspace } from '../helpers/workspace.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tree(files: Record<string, string | Uint8Array>) {
  const ws = await makeWorkspace(files as Record<string, string | Buffer>);
  const server = await startTogetherServer();
  cleanups.push(
    () => server.close(),
    () => ws.cleanup(),
  );
  return { ws, server };
}

const filesOf = (run: ActionRun) => JSON.parse(run.outputs.files ?? 'null') as FileResult[];
const BAD_ROLE = `${CHAT_LINE}\n${CHAT_LINE}\n{"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "hello"}]}\n`;

const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
const toolChat = (name: string) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'user', content: 'Please.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name, arguments: '{"city": "Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '21' },
      { role: 'assistant', content: 'It is 21 °C.' },
    ],
    tools: TOOLS,
  });

describe('check mode (pull requests)', () => {
  it('passes a function-calling dataset, with warnings on their lines for what only some sources refuse', async () => {
    const { ws, server } = await tree({ 'data/tools.jsonl': `${toolChat('get_weather')}\n${toolChat('get_time')}\n` });
    const run = await runAction({
      workspace: ws.root,
      inputs: { mode: 'check', path: 'data', 'base-url': server.baseUrl },
    });
    expect(run.exitCode).toBe(0);
    const [file] = filesOf(run);
    expect(file).toMatchObject({ status: 'checked', check: { passed: true, format: 'conversation', samples: 2 } });
    expect(file!.check!.warnings.map((w) => w.line)).toEqual([1, 2, 2]);
    expect(file!.check!.warnings[2]!.message).toMatch(/calls "get_time", which is not in "tools"/);
    expect(run.stdout).toContain(
      '::warning title=Dataset warning at line 1,file=data/tools.jsonl,line=1::data/tools.jsonl, line 1: "messages"[1] repeats the role "user"',
    );
    expect(run.stdout).not.toMatch(/^::error/m);
    expect(run.summary).toContain('✅ passed, 3 warnings');
    expect(run.summary).toContain('### 3 warnings');
  });

  it('annotates each bad file at its line, writes the summary and fails, with no key and no request', async () => {
    const { ws, server } = await tree({
      'data/good.jsonl': chatJsonl(4),
      'data/bad-role.jsonl': BAD_ROLE,
      'eval/scores.csv': 'question,answer\n1,2\n3,4,5\n',
    });
    const run = await runAction({
      workspace: ws.root,
      inputs: { mode: 'check', path: 'data\neval', purpose: 'fine-tune', 'base-url': server.baseUrl },
    });

    expect(run.exitCode).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(run.stdout).toContain(
      '::error title=Dataset check failed at line 3,file=data/bad-role.jsonl,line=3::data/bad-role.jsonl, line 3: "messages"[1].role is "bot"; it must be "system", "user", "assistant" or "tool" (a tool\'s answer: {"role": "tool", "tool_call_id": "call_1", "content": "{\\"temperature\\": 21}"}).',
    );
    expect(run.stdout).toContain(
      '::error title=Dataset check failed,file=eval/scores.csv::eval/scores.csv: CSV files are accepted only for purpose eval',
    );
    expect(run.stdout).toContain(
      '::error::2 of 3 files failed the dataset check: data/bad-role.jsonl (check failed), eval/scores.csv (check failed).',
    );

    const files = filesOf(run);
    expect(files.map((f) => [f.path, f.status])).toEqual([
      ['data/bad-role.jsonl', 'failed'],
      ['data/good.jsonl', 'checked'],
      ['eval/scores.csv', 'failed'],
    ]);
    expect(files[0]!.check).toEqual({
      passed: false,
      format: 'conversation',
      samples: 2,
      line: 3,
      message:
        'data/bad-role.jsonl, line 3: "messages"[1].role is "bot"; it must be "system", "user", "assistant" or "tool" (a tool\'s answer: {"role": "tool", "tool_call_id": "call_1", "content": "{\\"temperature\\": 21}"}).',
      warnings: [],
      omitted_warnings: 0,
    });
    expect(files[1]!.check).toEqual({
      passed: true,
      format: 'conversation',
      samples: 4,
      line: null,
      message: null,
      warnings: [],
      omitted_warnings: 0,
    });
    expect(files.every((f) => f.id === null && f.sha256 === null)).toBe(true);

    expect(run.summary).toContain('## Together dataset check: 1 of 3 files passed, 2 failed');
    expect(run.summary).toContain('<td><code>data/bad-role.jsonl</code></td><td>jsonl</td>');
    expect(run.summary).toContain('<td>❌ line 3</td>');
    expect(run.summary).toContain('<td>conversation</td><td>4</td><td>✅ passed</td>');
  });

  it('passes a good tree', async () => {
    const { ws } = await tree({ 'data/a.jsonl': chatJsonl(2), 'data/b.jsonl': `{"prompt": "p", "completion": "c"}\n` });
    const run = await runAction({ workspace: ws.root, inputs: { mode: 'check', path: 'data' } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('::error');
    expect(filesOf(run).map((f) => [f.status, f.check?.format])).toEqual([
      ['checked', 'conversation'],
      ['checked', 'instruction'],
    ]);
    expect(run.summary).toContain('## Together dataset check: 2 of 2 files passed');
  });

  it('annotates the first ten failures and lists every one in the summary', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i += 1) files[`bad-${String(i).padStart(2, '0')}.jsonl`] = `${CHAT_LINE}\n\n`;
    const { ws } = await tree(files);
    const run = await runAction({ workspace: ws.root, inputs: { mode: 'check', path: '*.jsonl' } });
    expect(run.exitCode).toBe(1);
    expect(
      run.stdout.match(/^::error title=Dataset check failed at line 2,file=bad-\d\d\.jsonl,line=2::/gm),
    ).toHaveLength(10);
    expect(run.stdout).toContain('2 more problems are listed in the job summary');
    expect(
      run.summary.match(/^<li><code>bad-\d\d\.jsonl<\/code> \(failed\): bad-\d\d\.jsonl, line 2: The line is blank/gm),
    ).toHaveLength(12);
  });

  it('checks structurally when asked, leaving semantics to the server', async () => {
    const { ws } = await tree({ 'data/bad-role.jsonl': BAD_ROLE });
    const run = await runAction({ workspace: ws.root, inputs: { mode: 'check', check: 'structural', path: 'data' } });
    expect(run.exitCode).toBe(0);
    expect(filesOf(run)[0]!.check).toMatchObject({ passed: true, samples: 3 });
  });

  it('refuses check mode with checks off', async () => {
    const { ws } = await tree({ 'a.jsonl': chatJsonl(1) });
    const run = await runAction({ workspace: ws.root, inputs: { mode: 'check', check: 'off', path: 'a.jsonl' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("Input 'mode' is 'check' but 'check' is 'off'");
  });

  it('agrees with the corpus on a sample of rules', async () => {
    const sample = CORPUS.filter((c) => !c.purpose && !c.level && (c.file ?? '.jsonl').endsWith('.jsonl')).filter(
      (_, i) => i % 4 === 0,
    );
    const files: Record<string, string | Uint8Array> = {};
    sample.forEach((c, i) => (files[`corpus/case-${String(i).padStart(3, '0')}.jsonl`] = c.content));
    const { ws } = await tree(files);
    const run = await runAction({ workspace: ws.root, inputs: { mode: 'check', path: 'corpus' } });
    const results = filesOf(run);
    expect(results).toHaveLength(sample.length);
    sample.forEach((c, i) => {
      // A path refused before any check (an empty file) has no check report: its status says.
      const result = results[i]!;
      expect([c.name, result.status === 'checked']).toEqual([c.name, c.expect.passed]);
      if (c.expect.line !== undefined) expect([c.name, result.check?.line ?? null]).toEqual([c.name, c.expect.line]);
    });
    expect(run.exitCode).toBe(sample.every((c) => c.expect.passed) ? 0 : 1);
  });

  it('finds the right line in a large file checked on several threads by the bundled worker', async () => {
    const good = chatJsonl(60_000); // ~8 MB
    const { ws } = await tree({ 'big.jsonl': `${good}${good}${good}{"messages": []}\n${good}` });
    const run = await runAction({ workspace: ws.root, inputs: { mode: 'check', path: 'big.jsonl' } });
    expect(filesOf(run)[0]!.check).toMatchObject({ passed: false, line: 180_001, samples: 180_000 });
    expect(run.stdout).toContain(
      '::error title=Dataset check failed at line 180001,file=big.jsonl,line=180001::big.jsonl, line 180001: "messages" is empty',
    );
  });
});

describe('checks before upload', () => {
  it('uploads nothing when any file fails, and says which', async () => {
    const { ws, server } = await tree({ 'data/good.jsonl': chatJsonl(2), 'data/bad-role.jsonl': BAD_ROLE });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: 'data', 'api-key': server.apiKey, 'base-url': server.baseUrl },
    });
    expect(run.exitCode).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(filesOf(run).map((f) => [f.path, f.status])).toEqual([
      ['data/bad-role.jsonl', 'failed'],
      ['data/good.jsonl', 'skipped'],
    ]);
    expect(run.stdout).toContain(
      '::notice title=Nothing uploaded,file=data/good.jsonl::Not uploaded: 1 file failed its checks, so nothing was uploaded.',
    );
  });

  it('refuses a directory named like a dataset even with check off, uploading nothing', async () => {
    const { ws, server } = await tree({ 'good.jsonl': chatJsonl(1), 'odd.jsonl/readme.txt': 'a folder, not a file' });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: '*.jsonl', check: 'off', 'api-key': server.apiKey, 'base-url': server.baseUrl },
    });
    expect(run.exitCode).toBe(1);
    expect(filesOf(run).map((f) => [f.path, f.status, f.error])).toEqual([
      ['good.jsonl', 'skipped', 'Not uploaded: 1 file failed before uploads started, so nothing was uploaded.'],
      [
        'odd.jsonl',
        'failed',
        'odd.jsonl: This is a directory, not a file. Name the dataset files inside it, or a glob such as dir/**/*.jsonl.',
      ],
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('uploads unchecked with check off, leaving the verdict to Together', async () => {
    const { ws, server } = await tree({ 'data/bad-role.jsonl': BAD_ROLE });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: 'data', check: 'off', 'api-key': server.apiKey, 'base-url': server.baseUrl, wait: 'false' },
    });
    expect(run.exitCode).toBe(0);
    expect(filesOf(run)[0]).toMatchObject({ status: 'uploaded', check: null });
    expect(server.files.size).toBe(1);
  });
});

describe('files refused before their content is read', () => {
  it('fail their check in check mode, as Together reports them: check.passed false, a check annotation, a check verdict', async () => {
    const { ws } = await tree({ 'data/e.jsonl': '', 'data/x.json': '{"text": "hi"}\n', 'data/ok.jsonl': chatJsonl(2) });
    const run = await runAction({
      workspace: ws.root,
      inputs: { mode: 'check', path: 'data/e.jsonl\ndata/x.json\ndata/ok.jsonl' },
    });
    expect(run.exitCode).toBe(1);
    const files = filesOf(run);
    expect(files.map((f) => [f.path, f.status, f.check?.passed])).toEqual([
      ['data/e.jsonl', 'failed', false],
      ['data/ok.jsonl', 'checked', true],
      ['data/x.json', 'failed', false],
    ]);
    expect(files[0]!.check!.message).toBe('data/e.jsonl: The file is empty; it needs at least one sample.');
    expect(files[2]!.check!.message).toMatch(
      /^data\/x\.json: Cannot tell the dataset type from the extension '\.json'/,
    );
    expect(run.stdout).toContain(
      '::error title=Dataset check failed,file=data/e.jsonl::data/e.jsonl: The file is empty',
    );
    expect(run.stdout).not.toContain('Upload failed');
    expect(run.stdout).toContain(
      '::error::2 of 3 files failed the dataset check: data/e.jsonl (check failed), data/x.json (check failed).',
    );
  });

  it('fail their check in upload mode too, and nothing is sent', async () => {
    const { ws, server } = await tree({ 'data/e.jsonl': '', 'data/ok.jsonl': chatJsonl(2) });
    const run = await runAction({
      workspace: ws.root,
      inputs: { path: 'data', 'api-key': server.apiKey, 'base-url': server.baseUrl },
    });
    expect(run.exitCode).toBe(1);
    expect(filesOf(run).map((f) => [f.path, f.status, f.check?.passed])).toEqual([
      ['data/e.jsonl', 'failed', false],
      ['data/ok.jsonl', 'skipped', true],
    ]);
    expect(run.stdout).toContain('::error title=Dataset check failed,file=data/e.jsonl::');
    expect(server.requests).toHaveLength(0);
  });
});

describe('many files under a low open-files limit', () => {
  it('checks 2,000 files under ulimit -n 256, every one reported and checked', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2000; i += 1) files[`data/part-${String(i).padStart(5, '0')}.jsonl`] = `{"text": "row ${i}"}\n`;
    const { ws } = await tree(files);
    const run = await runAction({
      workspace: ws.root,
      inputs: { mode: 'check', path: 'data/*.jsonl' },
      openFilesLimit: 256,
    });
    // (A file that cannot be opened failing alone is test/integration/unreadable.test.ts: as root, nothing here is.)
    expect(run.stdout + run.stderr).not.toMatch(/EMFILE|too many open files/);
    expect(run.exitCode).toBe(0);
    // Every file is in the manifest (the outputs list what fits in GitHub's 1 MB, reviews included).
    const results = (run.manifest as { files: FileResult[] }).files;
    expect(results).toHaveLength(2000);
    expect(results.every((f) => f.status === 'checked' && f.check?.samples === 1)).toBe(true);
    expect(filesOf(run).length).toBeGreaterThan(0);
  });
});
