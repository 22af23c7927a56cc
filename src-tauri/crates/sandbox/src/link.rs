//! A network link a test can cut: a loopback TCP proxy in front of the sandbox. While it
//! is down, new connections are closed at once and open ones are dropped, as when the
//! Wi-Fi goes (a fault of the sandbox would still answer; this does not). Tests connect
//! an account through [`Link::url`] and call [`Link::set_up`].

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Link {
    /// `http://127.0.0.1:PORT`, standing for the sandbox's root.
    pub root: String,
    up: watch::Sender<bool>,
}

impl Link {
    /// A link to `upstream_root` (`http://127.0.0.1:PORT`), up.
    pub async fn to(upstream_root: &str) -> Link {
        let upstream = upstream_root
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let root = format!("http://{}", listener.local_addr().unwrap());
        let (up, watcher) = watch::channel(true);
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let mut watcher = watcher.clone();
                if !*watcher.borrow() {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = watcher.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Link { root, up }
    }

    /// Cuts the link (`false`) or brings it back.
    pub fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }

    /// `base_url` (`http://127.0.0.1:PORT/prefix`, an address of the upstream) through
    /// this link.
    pub fn url(&self, base_url: &str) -> String {
        let path = base_url.splitn(4, '/').nth(3).unwrap_or_default();
        format!("{}/{path}", self.root)
    }
}
