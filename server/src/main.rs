use server::config::Config;

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--demo-accounts") {
        print!("{}", server::demo::accounts_markdown());
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("audit") {
        std::process::exit(audit_command(&args[1..]).await);
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .init();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("配置错误 / configuration error: {e}");
            std::process::exit(2);
        }
    };
    let (ctx, _store) = match server::build_ctx(&config).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cannot start: {e}");
            std::process::exit(1);
        }
    };
    server::spawn_notifier(ctx.clone(), std::time::Duration::from_secs(config.notifier_secs));
    server::jobs::spawn(ctx.clone(), config.audit_retention_days);
    // The lifecycle scheduler: its deadlines are days, so a pass every 10 minutes is plenty.
    server::spawn_lifecycle(ctx.clone(), std::time::Duration::from_secs(600));
    let app = server::http::router(ctx, &config.site_dir);
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on {}: {e}", config.addr);
        std::process::exit(1);
    });
    tracing::info!(mode = ?config.mode, addr = %config.addr, db = %config.database_url.split('@').next_back().unwrap_or(""), "Leqi Portal listening on http://{}", config.addr);
    // The peer address reaches the handlers: the signed API accepts only filed IPs.
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.expect("server error");
}

/// `leqi-server audit verify`: checks every chain of the audit log of the
/// database in `DATABASE_URL` (or `LEQI_DATA_DIR/leqi.db`) and names the first
/// broken link. Exit status 0: intact; 1: broken; 2: usage or connection error.
async fn audit_command(args: &[String]) -> i32 {
    use app::audit::store::SecurityStore;
    if args.first().map(String::as_str) != Some("verify") {
        eprintln!("usage: leqi-server audit verify");
        return 2;
    }
    let data_dir = std::env::var("LEQI_DATA_DIR").unwrap_or_else(|_| "data".into());
    let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| format!("sqlite://{data_dir}/leqi.db"));
    let store = match server::store::SqlStore::connect(&url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open the database: {e}");
            return 2;
        }
    };
    match store.verify_audit().await {
        Ok(v) => match v.first_broken {
            None => {
                println!("审计日志完整：{} 条校验链，{} 条记录", v.streams, v.records);
                0
            }
            Some(b) => {
                println!("审计日志校验失败：校验链 {} 第 {} 条{}：{}", b.stream, b.seq, b.id.map(|i| format!("（记录 id {i}）")).unwrap_or_default(), b.reason);
                1
            }
        },
        Err(e) => {
            eprintln!("cannot verify: {e}");
            2
        }
    }
}
