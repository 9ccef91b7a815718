// The storage account for bot state and transcripts. Only Entra identities reach it (no account keys, no public
// blobs); the bot's managed identity gets Storage Blob Data Contributor on the account.

@description('Azure region.')
param location string

@description('Globally unique storage account name: 3 to 24 lowercase letters and digits.')
param name string

@description('Blob containers to create.')
param containerNames string[]

@description('The managed identity (principal id) that reads and writes blobs.')
param principalId string

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

// A blob deleted or a container removed by mistake can be brought back for a week.
resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containerNames: {
    parent: blobs
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, principalId, storageBlobDataContributor)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('The blob endpoint, for Storage:Blob:AccountUrl.')
output blobEndpoint string = account.properties.primaryEndpoints.blob
