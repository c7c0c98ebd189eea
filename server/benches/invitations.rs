//! Speed targets of issue #5, measured (not asserted): a 10,000-row import
//! checked and stored, and one filtered page of 邀请列表 with 1,000,000
//! invitations stored. SQLite always; PostgreSQL when `LEQI_BENCH_PG_URL`
//! (a server URL ending in a database the bench may create databases from) is set.
//!
//!     cargo bench -p server --bench invitations --profile server-release
//!
//! `LEQI_BENCH_ONLY=import` measures only the import; `LEQI_BENCH_IMPORT_RUNS` (default 5)
//! repeats it on fresh databases and prints the median.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::invitation::api::InvitationQuery;
use app::invitation::rules::InviteRowInput;
use app::kernel::CreditCode;
use app::invitation::store::BatchSource;
use app::context::{Ctx, Mode};
use app::invitation::service as svc;
use server::adapters::{ConfiguredRealPerson, OsSecrets, OutboxSmsGateway, PngCaptcha, SystemClock};
use server::store::SqlStore;
use sqlx::Row;

const IMPORT_ROWS: usize = 10_000;
const LIST_ROWS: i64 = 1_000_000;

fn ctx(store: &SqlStore, blobs: &std::path::Path) -> Ctx {
    let shared = Arc::new(store.clone());
    Ctx {
        store: shared.clone(),
        blobs: Arc::new(server::store::materials::ObjectBlobStore::local(blobs).unwrap()),
        api: app::api_credentials::store::ApiSettings { master_key: b"bench-master-key-bench-master-key".to_vec().into(), trust_forwarded_for: false },
        links: app::invite_link::store::LinkSettings { public_url: "http://127.0.0.1:3000".into(), ttl_days: 7 },
        sms: Arc::new(OutboxSmsGateway { store: shared }),
        captcha: Arc::new(PngCaptcha { fixed_answer: None }),
        secrets: Arc::new(OsSecrets::new()),
        clock: Arc::new(SystemClock),
        real_person: Arc::new(ConfiguredRealPerson { demo: true }),
        mode: Mode::Demo,
        secure_cookies: false,
    }
}

async fn id_of(store: &SqlStore, code: &str) -> i64 {
    sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1").bind(code).fetch_one(store.pool()).await.unwrap().get("id")
}

/// 10,000 registered units to invite (valid codes, 四川, one tax office).
async fn register_units(store: &SqlStore) -> Vec<InviteRowInput> {
    let office: i64 = sqlx::query("SELECT tax_office_id FROM enterprises WHERE credit_code = '91510104MA6CLQ0132'").fetch_one(store.pool()).await.unwrap().get("tax_office_id");
    let mut rows = Vec::with_capacity(IMPORT_ROWS);
    let units: Vec<(String, String)> = (0..IMPORT_ROWS)
        .map(|i| {
            let code = CreditCode::from_first17(&format!("91510100MB{i:07}")).unwrap().to_string();
            (code, format!("基准测试单位{i}有限公司"))
        })
        .collect();
    for chunk in units.chunks(500) {
        let values: Vec<String> = (0..chunk.len()).map(|k| format!("(${}, ${}, '', {office}, 0, 'A', 1)", k * 2 + 1, k * 2 + 2)).collect();
        let sql = format!("INSERT INTO enterprises (credit_code, name, password_hash, tax_office_id, created_at, credit_grade, digital_invoice_pilot) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql);
        for (code, name) in chunk {
            q = q.bind(code).bind(name);
        }
        q.execute(store.pool()).await.unwrap();
    }
    for (i, (code, name)) in units.into_iter().enumerate() {
        // Every tenth is 联用类, which runs 接入备案 too.
        let relationship = if i % 10 == 0 { "不具有控制关系" } else { "其他控制关系" };
        rows.push(InviteRowInput { credit_code: code, name, province: "国家税务总局四川省税务局".into(), relationship: relationship.into(), pre_authorize: "否".into() });
    }
    rows
}

/// 1,000,000 invitations of one direct unit, in four statuses, straight into the table.
async fn fill_million(store: &SqlStore, pg: bool, direct: i64, use_unit: i64, office: i64) {
    let batch: i64 = sqlx::query(
        "INSERT INTO invitation_batches (direct_enterprise_id, source, file_name, created_by, created_at, rows_total, rows_ok, rows_failed, failures) \
         VALUES ($1, 'import', 'bench.xlsx', 'bench', 0, 1000000, 1000000, 0, '[]') RETURNING id",
    )
    .bind(direct)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get("id");
    // 18-character codes (B + 17 digits), so a full code is searched exactly, as a real one is.
    let code = if pg { "'B' || lpad(CAST(i AS TEXT), 17, '0')" } else { "'B' || printf('%017d', i)" };
    let select = format!(
        "SELECT {batch}, {direct}, {use_unit}, {code}, '基准单位' || CAST(i AS TEXT), {office}, '51', '母子公司关系', 'ziyong', 0, NULL, \
         CASE i % 4 WHEN 0 THEN '\"AwaitingResponse\"' WHEN 1 THEN '\"PendingAcceptance\"' WHEN 2 THEN '\"Confirmed\"' ELSE '\"PendingConfirmation\"' END, \
         CASE i % 4 WHEN 0 THEN 'awaiting_response' WHEN 1 THEN 'pending_acceptance' WHEN 2 THEN 'confirmed' ELSE 'pending_confirmation' END, \
         1, 1, i, i"
    );
    let cols = "(batch_id, direct_enterprise_id, use_enterprise_id, use_code, use_name, use_tax_office_id, province_code, relationship, category, pre_authorize, filing, status, status_code, active, version, created_at, updated_at)";
    let sql = if pg {
        format!("INSERT INTO invitations {cols} {select} FROM generate_series(1, {LIST_ROWS}) AS g(i)")
    } else {
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LIST_ROWS}) INSERT INTO invitations {cols} {select} FROM n")
    };
    sqlx::query(&sql).execute(store.pool()).await.unwrap();
    if pg {
        sqlx::query("ANALYZE invitations").execute(store.pool()).await.unwrap();
    } else {
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Demo data, the province rules, 10,000 registered units, then their import timed.
async fn import_once(store: &SqlStore, ctx: &Ctx) -> Duration {
    server::demo::seed(store, &OsSecrets::new(), 0).await.unwrap();
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let shule = id_of(store, "91510104MA6CLQ001T").await;
    let rows = register_units(store).await;
    let by = svc::inviter_for(ctx, shule, "bench").await.unwrap();
    let numbered: Vec<(u32, InviteRowInput)> = rows.into_iter().enumerate().map(|(i, r)| (i as u32 + 2, r)).collect();
    let t = Instant::now();
    let out = svc::invite_rows(ctx, &by, numbered, BatchSource::Import, "bench.xlsx", None).await.unwrap();
    let import = t.elapsed();
    assert_eq!((out.invited as usize, out.failed.len()), (IMPORT_ROWS, 0));
    import
}

/// `LEQI_BENCH_IMPORT_RUNS` (default 5) imports, each into a fresh database made by `fresh`.
async fn import_median<F, Fut>(label: &str, first: Duration, fresh: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = SqlStore>,
{
    let runs: usize = std::env::var("LEQI_BENCH_IMPORT_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let mut times = vec![first];
    for _ in 1..runs {
        let store = fresh().await;
        let blob_dir = tempfile::tempdir().unwrap();
        times.push(import_once(&store, &ctx(&store, blob_dir.path())).await);
        store.pool().close().await;
    }
    times.sort();
    let all: Vec<String> = times.iter().map(|t| format!("{:.0}", t.as_secs_f64() * 1000.0)).collect();
    println!("{label}: import of {IMPORT_ROWS} rows checked and stored: median {} of {} fresh databases ({} ms) (target <= 1000 ms)", ms(times[times.len() / 2]), times.len(), all.join(", "));
}

async fn run(label: &str, store: SqlStore, pg: bool) -> Duration {
    let blob_dir = tempfile::tempdir().unwrap();
    let ctx = ctx(&store, blob_dir.path());
    let import = import_once(&store, &ctx).await;
    println!("{label}: import of {IMPORT_ROWS} rows checked and stored: {} (first database)", ms(import));
    if std::env::var("LEQI_BENCH_ONLY").as_deref() == Ok("import") {
        return import;
    }
    let caoyuan = id_of(&store, "91150105MA0NCY0024").await;

    let use_unit = id_of(&store, "91150203MA0NCY021B").await;
    let office: i64 = sqlx::query("SELECT tax_office_id FROM enterprises WHERE id = $1").bind(use_unit).fetch_one(store.pool()).await.unwrap().get("tax_office_id");
    let t = Instant::now();
    fill_million(&store, pg, caoyuan, use_unit, office).await;
    println!("{label}: {LIST_ROWS} invitations stored in {:.1} s (setup, not a target)", t.elapsed().as_secs_f64());

    for (what, q) in [
        ("filtered page (邀请状态=确认通过), first page", InvitationQuery { status: "confirmed".into(), ..Default::default() }),
        ("filtered page, deep (before id 500000)", InvitationQuery { status: "confirmed".into(), before_id: Some(500_000 + 10_000), ..Default::default() }),
        ("unfiltered first page", InvitationQuery::default()),
        ("search by full code (exact, indexed)", InvitationQuery { search: "B00000000000777777".into(), ..Default::default() }),
        ("search by part of a name (trigram index)", InvitationQuery { search: "单位77777".into(), ..Default::default() }),
        ("search by part of a name matching every row (trigram index)", InvitationQuery { search: "基准单位".into(), ..Default::default() }),
        ("search by part of a code (trigram index)", InvitationQuery { search: "0000000777777".into(), ..Default::default() }),
        ("search by two characters (a scan; no target)", InvitationQuery { search: "单位".into(), ..Default::default() }),
    ] {
        // Warm once, then the median of 21.
        let _ = svc::page_for(&ctx, caoyuan, q.clone()).await.unwrap();
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..21 {
            let t = Instant::now();
            let page = svc::page_for(&ctx, caoyuan, q.clone()).await.unwrap();
            times.push(t.elapsed());
            assert!(!page.rows.is_empty());
        }
        times.sort();
        let target = if what.contains("no target") { "" } else { " (target <= 20 ms; includes the capped count)" };
        println!("{label}: {what}: median {}{target}", ms(times[times.len() / 2]));
    }
    import
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let first = run("SQLite", SqlStore::connect(&url).await.unwrap(), false).await;
        let n = &std::sync::atomic::AtomicUsize::new(0);
        let dir = &dir;
        import_median("SQLite", first, move || async move {
            let k = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            SqlStore::connect(&format!("sqlite://{}", dir.path().join(format!("import{k}.db")).display())).await.unwrap()
        })
        .await;
        match std::env::var("LEQI_BENCH_PG_URL") {
            Ok(base) => {
                let admin = sqlx::AnyPool::connect(&base).await.unwrap();
                let names_store = std::sync::Mutex::new(Vec::new());
                let (names, admin, base) = (&names_store, &admin, base.as_str());
                let fresh = move || async move {
                    let name = format!("bench_{}_{}", std::process::id(), names.lock().unwrap().len());
                    names.lock().unwrap().push(name.clone());
                    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin).await.unwrap();
                    SqlStore::connect(&format!("{}/{name}", base.rsplit_once('/').unwrap().0)).await.unwrap()
                };
                let first = run("PostgreSQL", fresh().await, true).await;
                import_median("PostgreSQL", first, fresh).await;
                for name in names_store.into_inner().unwrap() {
                    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(admin).await.ok();
                }
            }
            Err(_) => println!("PostgreSQL: skipped (set LEQI_BENCH_PG_URL, e.g. from `bash scripts/pg.sh start /tmp/pgb 55499`)"),
        }
    });
}
