use server::config::Config;

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--demo-accounts") {
        print!("{}", server::demo::accounts_markdown());
        return;
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
    let app = server::web::router(ctx, &config.site_dir);
    let listener = tokio::net::TcpListener::bind(config.addr).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on {}: {e}", config.addr);
        std::process::exit(1);
    });
    tracing::info!(mode = ?config.mode, addr = %config.addr, db = %config.database_url.split('@').next_back().unwrap_or(""), "Leqi Portal listening on http://{}", config.addr);
    // The peer address reaches the handlers: the signed API accepts only filed IPs.
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.expect("server error");
}
