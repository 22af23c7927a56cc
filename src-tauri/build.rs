fn main() {
    // The command list comes from the ipc crate, so the capability permissions, the
    // generated TypeScript bindings and the handlers all name the same commands.
    let commands: Vec<&'static str> = flightdesk_ipc::COMMANDS.iter().map(|c| c.name).collect();
    let attributes = tauri_build::Attributes::new()
        // The app package is the repository root, but its capabilities live here.
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(
            tauri_build::AppManifest::new().commands(Box::leak(commands.into_boxed_slice())),
        );
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
