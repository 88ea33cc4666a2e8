export * from './aes-gcm-cpr-protector';
export * from './cpr-keys';
export * from './cpr-protector';
export * from './personal-data.module';
