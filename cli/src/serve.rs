//! `tacc serve`: the playground, a single-page web app served from the binary.

use std::net::SocketAddr;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

pub fn run(args: &ServeArgs) -> tacc::Result<()> {
    Err(tacc::Error::InvalidArgument(format!(
        "tacc serve on {} is not built yet",
        args.addr
    )))
}
