# The Calmdesk alert intake as a Windows service, with NSSM (the Non-Sucking Service Manager,
# nssm.exe on the PATH). Run in an elevated PowerShell from the Calmdesk source folder; see
# "Monitoring alerts" in README.md. Change the four settings below first.
#
# NSSM runs `calmdesk intake serve` as a console program, writes its standard output to the log
# file, and stops it with Ctrl+C, which the service handles like SIGTERM on Linux: no new
# connections, the alerts in flight committed and answered, then exit. The wait below is longer
# than the service's own 30 s limit for that.

$ErrorActionPreference = "Stop"
$Root    = "C:\Program Files\Calmdesk Intake"          # the service's own Python environment
$Data    = "C:\ProgramData\Calmdesk\intake"            # token, mapping, log
$DbUrl   = "postgresql://calmdesk_intake@db.example.com/calmdesk"
$Listen  = "0.0.0.0:9094"

py -3.11 -m venv $Root
& "$Root\Scripts\pip.exe" install ".[intake]"
New-Item -ItemType Directory -Force -Path $Data | Out-Null
if (-not (Test-Path "$Data\intake.token")) {
    & "$Root\Scripts\python.exe" -c "import secrets; print(secrets.token_urlsafe(32))" |
        Set-Content -Encoding ascii "$Data\intake.token"
}
if (-not (Test-Path "$Data\mapping.toml")) {
    Copy-Item "resources\intake\mapping.example.toml" "$Data\mapping.toml"
}
# Only the service account (LocalService) and administrators may read the token.
icacls $Data /inheritance:r /grant:r "Administrators:(OI)(CI)F" "NT AUTHORITY\LocalService:(OI)(CI)R" | Out-Null

nssm install CalmdeskIntake "$Root\Scripts\calmdesk.exe" intake serve --listen $Listen `
    --token-file "$Data\intake.token" --mapping "$Data\mapping.toml"
nssm set CalmdeskIntake DisplayName "Calmdesk alert intake"
nssm set CalmdeskIntake Description "Monitoring alerts to Calmdesk incidents"
nssm set CalmdeskIntake ObjectName "NT AUTHORITY\LocalService"
nssm set CalmdeskIntake AppEnvironmentExtra "CALMDESK_DB_URL=$DbUrl" "CALMDESK_HOME=$Data" "PYTHONUNBUFFERED=1"
nssm set CalmdeskIntake AppStdout "$Data\intake.log"
nssm set CalmdeskIntake AppStderr "$Data\intake.log"
nssm set CalmdeskIntake AppRotateFiles 1
nssm set CalmdeskIntake AppRotateBytes 10485760
nssm set CalmdeskIntake AppStopMethodSkip 6           # Ctrl+C only: no window message, no kill first
nssm set CalmdeskIntake AppStopMethodConsole 35000
nssm set CalmdeskIntake AppExit Default Restart
nssm set CalmdeskIntake Start SERVICE_AUTO_START
New-NetFirewallRule -DisplayName "Calmdesk alert intake" -Direction Inbound -Protocol TCP `
    -LocalPort ($Listen.Split(":")[-1]) -Action Allow | Out-Null
nssm start CalmdeskIntake
Write-Host "Token for Alertmanager and Grafana: $Data\intake.token. Log: $Data\intake.log"
