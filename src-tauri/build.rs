fn main() {
    // One command list feeds the capability permissions, the generated TypeScript
    // bindings and the handlers, so all three name the same commands.
    let commands: Vec<&'static str> = flightdesk_commands::COMMANDS
        .iter()
        .map(|c| c.name)
        .collect();
    let attributes = tauri_build::Attributes::new()
        // The app package is the repository root, but its capabilities live here.
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(
            tauri_build::AppManifest::new().commands(Box::leak(commands.into_boxed_slice())),
        );
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
