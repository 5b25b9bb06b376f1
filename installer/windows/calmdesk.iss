; Calmdesk for Windows: installs the PyInstaller bundle for every user of the machine.
;
; Build, on Windows, from the project folder (Inno Setup 6.3 or newer):
;   pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller installer\calmdesk.spec
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\windows\calmdesk.iss
; gives dist\calmdesk-0.1.0-setup.exe.
;
; What it does: copies dist\calmdesk\ to C:\Program Files\Calmdesk, adds a Start-menu entry
; (calmdeskw.exe, the windowed build, so no console window opens), registers an uninstaller in
; Settings > Apps, and optionally sets the team database for every user of the machine by
; writing C:\ProgramData\Calmdesk\site-settings.json, which app/settings.py reads with lower
; precedence than a user's own choice.
;
; Unattended roll-out (software distribution, GPO, Intune...):
;   calmdesk-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART ^
;       /TEAMDB=postgresql://helpdesk@db.example.com:5432/calmdesk
; Without /TEAMDB a silent upgrade keeps the team database already set. Never put a password in
; the URL: each agent's password goes to their Windows Credential Manager on first connection.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Calmdesk"
#define SiteSettings "{commonappdata}\Calmdesk\site-settings.json"

[Setup]
; The AppId identifies Calmdesk for upgrades and the uninstaller: never change it.
AppId={{6B0C3E0A-5E3B-4F0E-9C43-2B8F3C1D7A51}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Calmdesk engineers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per machine: Program Files and the machine-wide team database need an administrator.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=calmdesk-{#AppVersion}-setup
SetupIconFile=installer\windows\calmdesk.ico
UninstallDisplayIcon={app}\calmdeskw.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running Calmdesk (Restart Manager) before replacing its files.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "dist\calmdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's libraries whole: no stale module from an older version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\calmdeskw.exe"; WorkingDir: "{app}"; \
    Comment: "Help-desk console: the incident queue, calls and major incidents"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\calmdeskw.exe"; WorkingDir: "{app}"; \
    Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; \
    Flags: unchecked

[Registry]
; tel: and callto: links (softphones, CTI tools, a number clicked in a browser) open an incoming
; call in Calmdesk: `calmdeskw.exe tel:+44...` hands it to the running console. Calmdesk is
; offered as a handler (Settings > Apps > Default apps), never forced over another one.
Root: HKLM; Subkey: "Software\Classes\Calmdesk.Call"; ValueType: string; ValueName: ""; \
    ValueData: "Calmdesk incoming call"; Flags: uninsdeletekey
Root: HKLM; Subkey: "Software\Classes\Calmdesk.Call"; ValueType: string; ValueName: "URL Protocol"; \
    ValueData: ""
Root: HKLM; Subkey: "Software\Classes\Calmdesk.Call\DefaultIcon"; ValueType: string; ValueName: ""; \
    ValueData: "{app}\calmdeskw.exe,0"
Root: HKLM; Subkey: "Software\Classes\Calmdesk.Call\shell\open\command"; ValueType: string; \
    ValueName: ""; ValueData: """{app}\calmdeskw.exe"" ""%1"""
Root: HKLM; Subkey: "Software\Calmdesk\Capabilities"; ValueType: string; \
    ValueName: "ApplicationName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKLM; Subkey: "Software\Calmdesk\Capabilities"; ValueType: string; \
    ValueName: "ApplicationDescription"; ValueData: "Incoming calls open the caller in Calmdesk"
Root: HKLM; Subkey: "Software\Calmdesk\Capabilities\URLAssociations"; ValueType: string; \
    ValueName: "tel"; ValueData: "Calmdesk.Call"
Root: HKLM; Subkey: "Software\Calmdesk\Capabilities\URLAssociations"; ValueType: string; \
    ValueName: "callto"; ValueData: "Calmdesk.Call"
Root: HKLM; Subkey: "Software\RegisteredApplications"; ValueType: string; ValueName: "Calmdesk"; \
    ValueData: "Software\Calmdesk\Capabilities"; Flags: uninsdeletevalue

[Run]
Filename: "{app}\calmdeskw.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; \
    Flags: nowait postinstall skipifsilent

[UninstallDelete]
; The machine-wide setting this installer wrote. Each user's own data and settings (under
; %LOCALAPPDATA%\Calmdesk) stay: removing the program must not remove incidents.
Type: files; Name: "{#SiteSettings}"
Type: dirifempty; Name: "{commonappdata}\Calmdesk"

[Code]
var
  TeamDbPage: TInputQueryWizardPage;

{ The db_url saved by an earlier install, so an upgrade shows and keeps it. The file is the small
  JSON object this script writes: {"db_url": "..."}. }
function SavedTeamDb(): String;
var
  Text: AnsiString;
  Start, Stop: Integer;
begin
  Result := '';
  if not LoadStringFromFile(ExpandConstant('{#SiteSettings}'), Text) then
    Exit;
  Start := Pos('"db_url"', Text);
  if Start = 0 then
    Exit;
  Text := Copy(Text, Start + Length('"db_url"'), MaxInt);
  Start := Pos('"', Text);
  if Start = 0 then
    Exit;
  Text := Copy(Text, Start + 1, MaxInt);
  Stop := Pos('"', Text);
  if Stop > 0 then
    Result := Copy(Text, 1, Stop - 1);
end;

function JsonString(Value: String): String;
begin
  Result := Value;
  StringChangeEx(Result, '\', '\\', True);
  StringChangeEx(Result, '"', '\"', True);
  Result := '"' + Result + '"';
end;

{ '' when the URL is usable, else what is wrong with it. }
function TeamDbProblem(Url: String): String;
var
  Rest: String;
  At: Integer;
begin
  Result := '';
  if Url = '' then
    Exit;
  if (Pos('postgresql://', Url) <> 1) and (Pos('postgresql+psycopg://', Url) <> 1) then
  begin
    Result := 'The team database URL starts with postgresql://, for example ' +
      'postgresql://helpdesk@db.example.com:5432/calmdesk';
    Exit;
  end;
  Rest := Copy(Url, Pos('://', Url) + 3, MaxInt);
  At := Pos('@', Rest);
  if (At > 0) and (Pos(':', Copy(Rest, 1, At - 1)) > 0) then
    Result := 'Leave the password out of the URL: it would be readable by every user of this ' +
      'computer. Each agent enters their own password once, and Calmdesk keeps it in their ' +
      'Windows Credential Manager.';
end;

procedure InitializeWizard();
var
  Url: String;
begin
  TeamDbPage := CreateInputQueryPage(wpSelectDir,
    'Team database',
    'Which database should Calmdesk open for every user of this computer?',
    'For a help desk sharing one queue, enter the URL of the team''s PostgreSQL database ' +
    '(without a password). Leave it empty to give each user their own local database file.' +
    #13#10#13#10 + 'Users can still connect to another database from the console; their ' +
    'own choice wins over this setting.');
  TeamDbPage.Add('Team database URL:', False);
  Url := ExpandConstant('{param:TEAMDB|}');
  if Url = '' then
    Url := SavedTeamDb();
  TeamDbPage.Values[0] := Url;
end;

function NextButtonClick(CurPageID: Integer): Boolean;
var
  Problem: String;
begin
  Result := True;
  if CurPageID = TeamDbPage.ID then
  begin
    TeamDbPage.Values[0] := Trim(TeamDbPage.Values[0]);
    Problem := TeamDbProblem(TeamDbPage.Values[0]);
    if Problem <> '' then
    begin
      MsgBox(Problem, mbError, MB_OK);
      Result := False;
    end;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Url, Problem: String;
  Lines: TArrayOfString;
begin
  if CurStep <> ssPostInstall then
    Exit;
  Url := Trim(TeamDbPage.Values[0]);
  { A silent install never shows the page, so check the /TEAMDB value here too. }
  Problem := TeamDbProblem(Url);
  if Problem <> '' then
  begin
    Log('Team database not set: ' + Problem);
    SuppressibleMsgBox(Problem, mbError, MB_OK, IDOK);
    Exit;
  end;
  if Url = '' then
  begin
    DeleteFile(ExpandConstant('{#SiteSettings}'));
    Exit;
  end;
  ForceDirectories(ExpandConstant('{commonappdata}\Calmdesk'));
  SetArrayLength(Lines, 3);
  Lines[0] := '{';
  Lines[1] := '  "db_url": ' + JsonString(Url);
  Lines[2] := '}';
  { UTF-8 (with a byte-order mark, which app/settings.py accepts). }
  if not SaveStringsToUTF8File(ExpandConstant('{#SiteSettings}'), Lines, False) then
    SuppressibleMsgBox('Could not write ' + ExpandConstant('{#SiteSettings}'), mbError, MB_OK, IDOK)
  else
    Log('Team database for all users: ' + Url);
end;
