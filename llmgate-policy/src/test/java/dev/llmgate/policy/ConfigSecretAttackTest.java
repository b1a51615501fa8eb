package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.preset.CompliancePreset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credentials pasted as configuration: a keyword at the end of a variable name ({@code DB_PASSWORD}), in a
 * camel-case name, a header, an XML element or a URL's userinfo. A red-team review found every one of these passed
 * every preset (the keyword had to stand alone as a word). Each is blocked under SOC 2 (and so under every preset
 * that blocks {@code SECRET_*}), input and output, and the value never reaches a redacted text.
 */
class ConfigSecretAttackTest {
    static final Policy SOC2 = Policy.builder().preset(CompliancePreset.SOC2).build();
    static final Policy HIPAA = Policy.builder().preset(CompliancePreset.HIPAA).build();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DB_PASSWORD=S3cr3tPassw0rd2024",
                "MYSQL_ROOT_PASSWORD=S3cr3tPassw0rd2024",
                "user_password: S3cr3tPassw0rd2024",
                "adminPassword: S3cr3tPassw0rd2024",
                "dbPassword = \"S3cr3tPassw0rd2024\"",
                "password1=S3cr3tPassw0rd2024",
                "OPENAI_API_KEY=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "SECRET_KEY=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "DJANGO_SECRET_KEY='9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd'",
                "SECRET_KEY_BASE=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "x-api-key: 9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "api-key: 9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "refresh_token=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "githubAccessToken: 9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "{\"SecretAccessKey\": \"9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd\"}",
                "awsSecretAccessKey=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "<password>S3cr3tPassw0rd2024</password>",
                "spring.datasource.password=S3cr3tPassw0rd2024",
                "postgres://admin:S3cr3tPassw0rd2024@db.example.com:5432/prod",
                "export DB_PASSWORD=S3cr3tPassw0rd2024\nexport OPENAI_API_KEY=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                // round 7: names run together, a name ending in PASS, aligned signs, a value on the next line, ...
                "PGPASSWORD=S3cr3tPassw0rd2024",
                "MYSQLPASSWORD=S3cr3tPassw0rd2024",
                "DB_PASS=S3cr3tPassw0rd2024",
                "smtp.pass = S3cr3tPassw0rd2024",
                "password          =     S3cr3tPassw0rd2024",
                "database:\n  password:\n    S3cr3tPassw0rd2024",
                "redis://:S3cr3tPassw0rd2024@cache.example.com:6379/0",
                "ENCRYPTION_KEY=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "Authorization: Basic dXNlcjpTM2NyM3RQYXNzdzByZDIwMjQ=",
                // found again after a review of the round-7 change (its filters had dropped them)
                "server.ssl.key-store-password=S3cr3tPassw0rd2024",
                "reset-token=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd",
                "password=correct.horse.battery.staple",
                "password=Secr3tP4ss(2024)",
                "pass password=S3cr3tPassw0rd2024",
                "show_password=1&password=S3cr3tPassw0rd2024",
                "password:\n\nS3cr3tPassw0rd2024",
                // red-team leftovers: command lines, .NET settings, session cookies
                "mysql -u root -pS3cr3tPassw0rd2024 -h db.internal",
                "docker login -u admin -p S3cr3tPassw0rd2024 registry.internal",
                "az login --service-principal -u app-id -p S3cr3tPassw0rd2024 --tenant t",
                "sshpass -p 'S3cr3tPassw0rd2024' ssh admin@host",
                "curl -u admin:S3cr3tPassw0rd2024 https://api.internal/x",
                "curl --user=admin:S3cr3tPassw0rd2024 https://api.internal/x",
                "<add key=\"DbPassword\" value=\"S3cr3tPassw0rd2024\" />",
                "<add key=\"StripeSecretKey\" value=\"9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd\"/>",
                "Cookie: theme=dark; sessionid=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd; lang=en",
                "Set-Cookie: JSESSIONID=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd; Path=/; HttpOnly",
                "curl --cookie \"auth_token=9drTJvcXLB89wkoE1oQ3fS2kN7sH8uV0qW5zAbCd\" https://api.internal/",
                // real passwords a review found the look-alike filter dropped
                "docker login -u admin -p Winter.Is.Coming1 registry.internal",
                "docker login -u admin -p P@ss/w0rd1 registry.internal",
                "docker login -u admin -p Tr0ub4d&r,3 registry.internal",
                "docker login -u admin --password S3cr3tPassw0rd2024 registry.internal",
                "mysql -u root --password=shop_production2024",
                "sshpass -p hunter22 ssh admin@host",
                "Cookie: remember_web_59ba36addc2b2f9401580f014c7f58ea4e30989d=eyJpdiI6IkNmS2x3bHdZQmFzZXZhbHVlMTIz",
                "Cookie: wordpress_logged_in_5c016e8f0f95f039102cbe8366c5c7f3=admin%7C1700000000%7CAbCdEfGhIjKlMnOp",
                "Cookie: a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9; sessionid=x3k9fj2lmzp8sw1vb7nr4ty6",
                // red-team round 9: Azure's AccountKey; a base64 value on the next line ends with '=' (not a setting)
                "DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=Zk3Jq8Vw2Lm9Xp4Rt7Yb1Nc6Zk3Jq8Vw2==;",
                "client_secret:\n  dGhpcyBpcyBhIHJlYWwgc2VjcmV0IHZhbHVlIQ==",
                "password: Replace99!",
                // the compound names written as words, as in prose and in a JSON key read as its words (apiKey)
                "api key: \"Tr0ub4dor-x9q\"",
                "Access Token = 9fK2mQ7xLp4vR8sT1wZ3",
                "private key: 9fK2mQ7xLp4vR8sT1wZ3",
                // credentials in particular tools' forms (red-team leftovers of round 9)
                "CREATE USER 'app'@'%' IDENTIFIED BY 'Kx9#vLm2Qp';",
                "CREATE USER scott IDENTIFIED BY tiger;",
                "ALTER USER app IDENTIFIED BY Kx9vLm2Qp7;",
                "ALTER ROLE app WITH LOGIN PASSWORD 'Kx9#vLm2Qp';",
                "machine api.example.com login alice password Kx9#vLm2Qp",
                "machine api.example.com\n  login alice\n  password Kx9#vLm2Qp",
                "url = jdbc:oracle:thin:scott/Kx9vLm2Qp7@//db.internal:1521/ORCL",
                "{\"auths\": {\"registry.example.com\": {\"auth\": \"YWRtaW46S3g5I3ZMbTJRcA==\"}}}",
                "//registry.example.com/:_auth=YWRtaW46S3g5I3ZMbTJRcA==",
                "define( 'DB_PASSWORD', 'Kx9#vLm2Qp' );",
                "define('AUTH_KEY', 't`8Xq|#Z]v0H-kM5yR+J^s%2Lw@3cB');",
                "CREATE USER 'app'@'localhost' IDENTIFIED WITH mysql_native_password BY 'Xk9mP2vL8qR4';",
                "CREATE USER app IDENTIFIED BY 'correct horse battery staple';",
                "GRANT ALL ON shop.* TO 'app'@'%' IDENTIFIED BY\n    'Xk9mP2vL8qR4';",
                "jdbc:oracle:thin:scott/P@ssw0rd#1@db.internal:1521/ORCL",
                "{\"refreshToken\": \"Zk3Jq8Vw2Lm9Xp4Rt7Yb1Nc6Zk3Jq8Vw2\"}",
                // a review: forms the SQL and .netrc contexts must keep
                "CREATE DATABASE LINK remote CONNECT TO scott IDENTIFIED BY Xk9mP2vL8qR4 USING 'orcl';",
                "connect scott identified by Xk9mP2vL8qR4",
                "CREATE /* app user */ USER app IDENTIFIED BY 'Xk9mP2vL8qR4';",
                "machine api.example.com account alice login alice password Xk9mP2vL8qR4",
                "define('DB_PASSWORD_PROD', 'Xk9mP2vL8qR4');",
                // a third review: a paging word must be a whole word of the name; SQL*Plus's CONNECT at a line's start
                "fb_exchange_token=EAAGm0PX4ZCpsBAKq2Zx9Lr7vW3tYk8",
                "exchange_token: \"Xk9mP2vL8qR4wZ7tB3nJ\"",
                "ASYNC_TOKEN=Xk9mP2vL8qR4wZ7tB3nJ",
                "homepage_token=Xk9mP2vL8qR4wZ7tB3nJ",
                "SQL> conn scott identified by Xk9mP2vL8qR4",
                "CREATE PUBLIC DATABASE LINK remote CONNECT TO scott IDENTIFIED BY Xk9mP2vL8qR4 USING 'orcl';",
            })
    void configurationSecretsAreBlocked(String text) {
        for (PolicyStage stage : new PolicyStage[] {PolicyStage.INPUT, PolicyStage.OUTPUT}) {
            Decision d = SOC2.evaluate(text, stage);
            assertThat(d.verdict()).as("%s at %s", text, stage).isEqualTo(Verdict.BLOCK);
            assertThat(d.findings()).anyMatch(f -> f.type().startsWith("SECRET_"));
        }
        assertThat(HIPAA.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.BLOCK);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "max_tokens: 2000",
                "tokenizer: bert-base-uncased-v2-large",
                "csrf_token = request.form['csrf_token']",
                "access_token = get_access_token(session_identifier)",
                "api_key = os.environ[\"OPENAI_API_KEY\"]",
                "PASSWORD_MIN_LENGTH=12",
                "password_hash_algorithm: argon2id-v19",
                "secretary: Jane Doe of Accounting",
                "DB_PASSWORD=${DB_PASSWORD}",
                "OPENAI_API_KEY=<your-api-key>",
                "see https://user:password@example.com for the format",
                "postgres://admin:${DB_PASS}@db.example.com/prod",
                "The secret to a good sourdough is patience and a warm kitchen.",
                // round 7: settings about a secret, type names, paths in code, "pass" as a word
                "HIDE_PASSWORD=enabled",
                "SHOW_PASSWORD=always",
                "REQUIRE_PASSWORD=enabled",
                "STORE_PASSWORD=keychain",
                "requirePassword: disabled",
                "dbPassword: config.database.password",
                "this.dbPassword = props.dbPassword;",
                "accessKey: config.accessKey",
                "password: string",
                "pass: completed-successfully",
                "Authorization: Basic <credentials>",
                "Send the Authorization: Basic credentials header, then the body.",
                "Use Authorization: Basic authentication for the legacy API.",
                "docker run -u 1000 -p 8080:80 nginx",
                "docker run -u app -p 127.0.0.1:8080:80 nginx",
                "python -u script.py -p /tmp/somepath",
                "mysql -u root -p mydatabase",
                "mysql -u root -p",
                "curl -u www-data:www-data http://localhost/",
                "curl -u admin:password http://localhost/",
                "curl -u \"$USER:$PASS\" http://localhost/",
                "git push -u origin feature/password-reset",
                "We use cookies: session cookies expire when you close the browser.",
                "Cookie: theme=dark; lang=en-US",
                "Set-Cookie: sessionid=; Max-Age=0",
                "<add key=\"PageSize\" value=\"50\" />",
                "<add key=\"TokenLifetimeMinutes\" value=\"600000\" />",
                "<add key=\"ApiKey\" value=\"your-api-key-here\" />",
                "Reset your password https://accounts.example.org/reset",
                // an independent review of the command-line, cookie and .NET recognizers
                "git push -u origin main && mkdir -p src/main/java",
                "git push -u origin feature/login; mkdir -p docs/api",
                "python -u -m pytest -p no:cacheprovider tests/",
                "python -u train.py -p config.yaml",
                "docker run -u 1000:1000 -p 8080:80/tcp nginx",
                "docker login -u admin --password-file ./pw.txt registry.example.com",
                "mysql -u root -p shop_production < backup.sql",
                "top -u www-data -p 12345,23456",
                "adb shell pm grant -u 0 com.example.app -p android.permission.CAMERA",
                "Set-Cookie: csrftoken=Xk39fjQ2LmZp8sW1vB7nR4tY6uH0cE5a; Path=/; SameSite=Lax",
                "Cookie: _ga=GA1.2.1234567890.1700000000; last_login=2024-05-01T10:22:33Z",
                "Cookie: sidebar_state=collapsed-left-panel-v2; theme=dark",
                "Cookie: author_name=Jane.Doe.Writer.2024; lang=en",
                "<add key=\"DbPassword\" value=\"#{DbPassword}#\" />",
                "<add key=\"DbPassword\" value=\"__DB_PASSWORD__\" />",
                "<input type=\"hidden\" name=\"csrf_token\" value=\"a8f5f167f44f4964e6c998dee827110c\">",
                // a third review: database names after --password, paths and dotted names after -p, placeholders
                "mysql -u root --password shop_production",
                "psql --username postgres --password analytics_db",
                "sudo -u deploy mkdir -p releases/V2",
                "sudo -u deploy mkdir -p app.v2.backup",
                "sshpass -p password ssh admin@host",
                "log(\"password\", \"changed\");",
                "t('password', 'Enter your password')",
                "checkPassword(input)",
                "define('DB_PASSWORD', getenv('DB_PASSWORD'));",
                "credentials: required",
                "credential_id: 12345678",
                "Use an account key from the portal.",
                // a third review: SDK code and tests are not blocked
                "credential = DefaultAzureCredential()",
                "credentials = ServicePrincipalCredentials(client_id, secret_ref)",
                "GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json",
                "assertEquals(\"password\", \"Xyz123\");",
                "messages.put(\"password\", \"Contrase\u00f1a\");",
                "DB_PASSWORD=your-password-here\nAPI_KEY=<your-api-key>\nSECRET_KEY=changeme",
                "password: REPLACE_ME_WITH_REAL_PASSWORD",
                "JWT_SECRET=insert-a-long-random-string-here",
                "Use the api key from your dashboard to sign each request.",
                "Set the access token lifetime to 3600 seconds and the refresh token lifetime to 30 days.",
                "private key: see the attached file",
                // an algorithm's name says what a key is, not the key
                "signing key: ECDSA-P256-SHA256",
                "encryption_key: AES-256-GCM",
                "{\"signingKey\": \"RSA-OAEP-256\"}",
                "Each user is identified by their email address and a numeric id.",
                "Records are identified by ID 48213 in the registry.",
                "define( 'DB_PASSWORD', 'password_here' );\ndefine( 'AUTH_KEY', 'put your unique phrase here' );",
                "define('SITE_TITLE', 'My Blog 2024!');",
                "{\"auth\": \"dXNlcm5hbWVvbmx5\", \"mode\": \"basic\"}",
                "Please login first and then enter the password you chose.",
                // a review: prose, documentation synopses, constants that are no secret
                "Each record is identified by its UUID, and rows are identified by order_id.",
                "The strain was identified by CRISPR-Cas9 screening; the release is identified by v2.3.1.",
                "Enter your login and password below.",
                "Please provide your login / password combination.",
                "define('CACHE_KEY', 'user-profile-v2'); define('SORT_KEY', 'created_at_desc');",
                "ALTER USER name [ WITH ] PASSWORD 'password'",
                "ALTER USER 'jeffrey'@'localhost' IDENTIFIED BY 'new_password' PASSWORD EXPIRE;",
                "CREATE USER app IDENTIFIED BY :pwd;",
                // a token that marks a place in a list (paging, sync), not a credential
                "{\"items\": [], \"nextPageToken\": \"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0dHZjZzJvYxgBEAA=\"}",
                "{\"data\": [], \"next_page_token\": \"eyJvZmZzZXQiOjEwMCwibGltaXQiOjUwfQ\"}",
                "{\"syncToken\": \"c3luYzoxNzAxMjM0NTY3ODkw\", \"cursor\": \"Y3Vyc29yOjEyMw\"}",
                "When you connect, each session is identified by SessionGuid4821 in the logs.",
                "Users who connect via VPN are identified by certificateSerial and the device id.",
                "The database link is identified by GLOBAL_NAMES setting.",
            })
    void ordinaryConfigurationAndProsePass(String text) {
        assertThat(SOC2.evaluate(text, PolicyStage.INPUT).findings())
                .as(text)
                .noneMatch(f -> f.type().startsWith("SECRET_"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-----BEGIN RSA  PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7xq3Y2kBz9f0abcdefghij\n-----END RSA PRIVATE KEY-----",
                "-----begin rsa private key-----\nMIIEpAIBAAKCAQEA7xq3Y2kBz9f0abcdefghij\n-----end rsa private key-----",
                "-----Begin Private Key-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
            })
    void privateKeysWithRetypedHeadersAreBlocked(String text) {
        assertThat(SOC2.evaluate(text, PolicyStage.INPUT).findings())
                .anyMatch(f -> f.type().equals(FindingTypes.SECRET_PRIVATE_KEY));
        assertThat(SOC2.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.BLOCK);
    }
}
