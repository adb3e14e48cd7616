/**
 * The search scenario's messages (bench/README.md, scenario 7): a deterministic stream of
 * chat lines — mostly English sentences whose words follow a Zipf-like law, some with
 * code-ish tokens (`deploy_v2`, `api/v1/users`, `Error: ENOENT`), about 10 % Chinese or
 * Japanese — and the queries measured over them, chosen from this vocabulary so each has a
 * realistic number of hits (the scenario prints how many each one finds).
 */

/** A small, fast, seeded PRNG (mulberry32): the same corpus on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Ordered roughly by how often they are said: rank r is drawn with weight 1 / (r + 1).
const WORDS = `the to I we it and a is that for on in you this of be can with have just so not
are do but will at if was it's there what up think one like now get out need all about
should know from an my me or see let's go when still some make looks yes no time after
today then ok thanks here more also why new how did good work going sure fix back because
done way any yeah right first could would please again tomorrow check test try last before
other same change problem thing people week morning issue update release deploy build
server running branch review merge team meeting call tests failing green main staging
production config database migration query index cache logs error crash bug ticket version
client users login session token api endpoint request response timeout latency memory
disk backup restore rollback script docs design feedback demo lunch coffee weekend holiday
customer support dashboard metrics alert pager incident postmortem roadmap sprint planning
estimate deadline priority blocked waiting approved reverted flaky pipeline container image
cluster node replica shard schema column table rows transaction lock deadlock commit push
pull rebase conflict patch hotfix feature flag rollout canary monitoring grafana prometheus
redis postgres sqlite kafka queue worker cron job scheduler permissions password reset email
notification mobile android browser frontend backend refactor cleanup benchmark profile
regression performance throughput upload download storage bucket invoice billing pricing
contract legal office remote travel conference slides recording calendar agenda minutes
offsite budget hiring interview onboarding laptop keyboard monitor wifi printer café naïve
résumé façade jalapeño`
  .split(/\s+/)
  .filter(Boolean);

const CODE = [
  'deploy_v2',
  'api/v1/users',
  'api/v2/orders',
  'Error: ENOENT',
  'Error: ECONNREFUSED 127.0.0.1:5432',
  'TypeError: undefined is not a function',
  'npm run build',
  'git rebase -i main',
  'src/server/app.ts',
  'config/prod.yaml',
  'SELECT * FROM users WHERE id = $1',
  'kubectl rollout restart deploy/web',
  'HTTP 502',
  'p99=230ms',
  'user_id',
  'retry_count',
  'feature_flags.json',
  'PR #4821',
  'v3.12.1',
  'commit 9f3c2ab',
  'https://ci.example.com/build/77123',
  'OOMKilled',
  'SIGTERM',
  'localhost:8080',
];

// Fragments of Chinese and Japanese chat, joined two to four at a time.
const CJK = [
  '明日の会議は十時からです',
  '東京の会議室を予約しました',
  'デプロイが失敗しました',
  'ログを確認してください',
  'サーバーの再起動をお願いします',
  'データベースの移行は終わりましたか',
  '来週のリリースについて相談しましょう',
  'お疲れ様です',
  '資料を共有します',
  'テストが通りました',
  '今日は在宅勤務です',
  '障害の原因を調べています',
  '我们明天开会讨论部署问题',
  '数据库迁移已经完成了',
  '服务器出现错误请检查日志',
  '这个版本有一个严重的问题',
  '请帮我看一下这个代码',
  '测试环境已经更新',
  '下午三点开会',
  '客户反馈说登录很慢',
  '我已经修复了这个错误',
  '性能测试的结果不错',
];

/** The measured user reads 50 of the 200 rooms; rooms are `search-<n>`, users `bench<n>`. */
export const SEARCH_ROOMS = 200;
export const SEARCH_MEMBER_OF = 50;
export const SEARCH_AUTHORS = 20;

export interface CorpusLine {
  room: number;
  author: number;
  text: string;
}

/** `count` lines, each with its room (some rooms far busier than others) and author. */
export function* corpus(count: number, seed = 18): Generator<CorpusLine> {
  const next = random(seed);
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 0; r < WORDS.length; r++) {
    sum += 1 / (r + 1);
    cumulative.push(sum);
  }
  const word = () => {
    const x = next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return WORDS[lo]!;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  for (let i = 0; i < count; i++) {
    // Room activity falls off with the room's number (density ∝ r^-0.375); authors uniformly.
    const room = Math.min(SEARCH_ROOMS - 1, Math.floor(SEARCH_ROOMS * next() ** 1.6));
    const author = Math.floor(next() * SEARCH_AUTHORS);
    let text: string;
    if (next() < 0.1) {
      const parts = 2 + Math.floor(next() * 3);
      text = Array.from({ length: parts }, () => pick(CJK)).join(next() < 0.5 ? '。' : '，');
    } else {
      const length = 3 + Math.floor(next() * 14);
      const words = Array.from({ length }, word);
      if (next() < 0.25) words.splice(Math.floor(next() * words.length), 0, pick(CODE));
      words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
      text = `${words.join(' ')}${pick(['', '', '.', '?', '!', ' :)'])}`;
    }
    yield { room, author, text };
  }
}

/**
 * What is measured, each kind cycled through a few queries of similar weight. Hits in a
 * million lines, for the measured user (a quarter of the rooms, the busier ones among them
 * by construction: rooms 0, 4, 8, …): the scenario reports the totals it found.
 */
export const SEARCH_QUERIES: Record<string, string[]> = {
  '3 characters': ['dep', 'err', 'mig', 'cof'],
  '1 word': ['migration', 'rollback', 'timeout', 'canary'],
  '3 words': ['fix the build', 'need the logs', 'can you check', 'deploy tomorrow morning'],
  'CJK, 2 characters': ['会議', '部署', '日志'],
  'CJK, 3 characters': ['会議室', '数据库', 'デプロ'],
  'from: + in: + word': ['from:@bench3 in:#search-4 deploy', 'from:@bench7 in:#search-8 error'],
};
